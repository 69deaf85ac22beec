package org.stickyroute.servlet;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The pooled exchange's generation stamp: late or duplicate end events never touch a later use. */
class ExchangeTest {
  @Test
  void aLateFinishOfAnEarlierUseIsIgnored() {
    ExchangePool pool = new ExchangePool(4);
    Exchange ex = pool.take();
    long first = ex.open();
    ex.finish(first);
    assertFalse(ex.current(first));
    Exchange again = pool.take();
    assertSame(ex, again, "a finished exchange is recycled");
    long second = again.open();
    assertNotEquals(first, second);
    again.finish(first); // a duplicate onComplete of the first request
    assertTrue(again.current(second), "the late event did not finish the new request");
    assertNotEquals(ex, pool.take(), "and did not put it back in the pool while in use");
    again.finish(second);
    again.finish(second);
    assertSame(ex, pool.take(), "finished once, pooled once");
  }
}
