package org.stickyroute.spring.cloud.gateway;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.stickyroute.http.ResponseView;

/** A {@link ResponseView} of the instance's response as the Gateway is about to send it: status and header fields. */
final class HeadersResponseView implements ResponseView {
  private final int status;
  /** Names at even indexes, values at odd ones, one pair per field in order. */
  private final String[] fields;
  private final int count;

  HeadersResponseView(int status, HttpHeaders headers) {
    this.status = status;
    String[] f = new String[2 * headers.size() + 4];
    int n = 0;
    for (Map.Entry<String, List<String>> e : headers.headerSet()) {
      String name = e.getKey();
      for (String v : e.getValue()) {
        if (2 * n + 1 >= f.length) {
          f = Arrays.copyOf(f, 2 * f.length);
        }
        f[2 * n] = name;
        f[2 * n + 1] = v;
        n++;
      }
    }
    this.fields = f;
    this.count = n;
  }

  @Override
  public int status() {
    return status;
  }

  @Override
  public int headerCount() {
    return count;
  }

  @Override
  public CharSequence headerName(int i) {
    if (i < 0 || i >= count) {
      throw new IndexOutOfBoundsException(i);
    }
    return fields[2 * i];
  }

  @Override
  public CharSequence headerValue(int i) {
    if (i < 0 || i >= count) {
      throw new IndexOutOfBoundsException(i);
    }
    return fields[2 * i + 1];
  }
}
