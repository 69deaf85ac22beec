package org.stickyroute.spring.cloud.gateway;

import java.util.ArrayList;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.stickyroute.http.ResponseView;

/** A {@link ResponseView} of the instance's response as the Gateway is about to send it: status and header fields. */
final class HeadersResponseView implements ResponseView {
  private final int status;
  private final List<String> names = new ArrayList<>();
  private final List<String> values = new ArrayList<>();

  HeadersResponseView(int status, HttpHeaders headers) {
    this.status = status;
    headers.forEach((name, list) -> {
      for (String v : list) {
        names.add(name);
        values.add(v);
      }
    });
  }

  @Override
  public int status() {
    return status;
  }

  @Override
  public int headerCount() {
    return names.size();
  }

  @Override
  public CharSequence headerName(int i) {
    return names.get(i);
  }

  @Override
  public CharSequence headerValue(int i) {
    return values.get(i);
  }
}
