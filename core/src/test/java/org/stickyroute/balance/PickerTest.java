package org.stickyroute.balance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.stickyroute.http.RequestView;

/** The picker contract's default pick-and-take: choose, take, choose again while the take finds no room. */
class PickerTest {
  private static final RequestView REQUEST = RequestView.of("GET", "/");

  /** Picks 0, 1, 2, ... in turn and records what the live counters told it. */
  private static final class Recording implements Picker {
    int picks;
    final List<Integer> taken = new ArrayList<>();

    @Override
    public int pick(RequestView request, int avoid, LoadView load) {
      return picks++;
    }

    @Override
    public void take(int server) {
      taken.add(server);
    }
  }

  @Test
  void aTakeThatFindsNoRoomIsChosenAgainAndOnlyTheSuccessfulOneReachesThePicker() {
    Recording p = new Recording();
    List<Integer> tried = new ArrayList<>();
    int s = p.pickAndTake(REQUEST, Picker.NO_SERVER, LoadView.of(new int[8]), server -> {
      tried.add(server);
      return server == 2; // servers 0 and 1 were full when counted
    });
    assertEquals(2, s);
    assertEquals(List.of(0, 1, 2), tried);
    assertEquals(List.of(2), p.taken, "take() once, for the take that stayed");
  }

  @Test
  void afterTakeAttemptsFullServersTheAnswerIsSaturated() {
    Recording p = new Recording();
    int s = p.pickAndTake(REQUEST, Picker.NO_SERVER, LoadView.of(new int[8]), server -> false);
    assertEquals(Picker.SATURATED, s);
    assertEquals(Picker.TAKE_ATTEMPTS, p.picks);
    assertEquals(List.of(), p.taken);
  }

  @Test
  void noServerIsNeverTaken() {
    Picker none = (request, avoid, load) -> Picker.NO_SERVER;
    assertEquals(Picker.NO_SERVER, none.pickAndTake(REQUEST, Picker.NO_SERVER, LoadView.of(new int[1]), server -> {
      throw new AssertionError("took " + server);
    }));
  }
}
