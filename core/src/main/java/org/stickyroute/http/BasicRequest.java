package org.stickyroute.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An immutable {@link RequestView} built from plain values, for tools, tests and callers without a request
 * object of their own:
 *
 * <pre>{@code
 * RequestView r = BasicRequest.builder("GET", "/api/orders?tenant=42")
 *     .header("Host", "shop.example.com")
 *     .header("Cookie", "SERVERID=s2")
 *     .client("2001:db8::7")
 *     .build();
 * }</pre>
 *
 * <p>Every header is a field in the order given ({@code Cookie} fields also answer {@link #cookieHeader}).
 * Thread-safe; its accessors are allocation-free.
 */
public final class BasicRequest implements RequestView {
  private final CharSequence method;
  private final CharSequence target;
  private final CharSequence[] names;
  private final CharSequence[] values;
  private final CharSequence[] cookies;
  private final int family;
  private final long high;
  private final long low;
  private final CharSequence body;

  private BasicRequest(Builder b) {
    this.method = b.method;
    this.target = b.target;
    this.names = b.names.toArray(new CharSequence[0]);
    this.values = b.values.toArray(new CharSequence[0]);
    List<CharSequence> c = new ArrayList<>();
    for (int i = 0; i < names.length; i++) {
      if (Ascii.equalsIgnoreCase(names[i], "cookie")) {
        c.add(values[i]);
      }
    }
    this.cookies = c.toArray(new CharSequence[0]);
    this.family = b.address.family();
    this.high = b.address.high();
    this.low = b.address.low();
    this.body = b.body;
  }

  /** A builder for a request with this method and request-target, no header, no client address, no body. */
  public static Builder builder(CharSequence method, CharSequence target) {
    return new Builder(method, target);
  }

  @Override
  public CharSequence method() {
    return method;
  }

  @Override
  public CharSequence target() {
    return target;
  }

  @Override
  public int cookieHeaderCount() {
    return cookies.length;
  }

  @Override
  public CharSequence cookieHeader(int i) {
    return cookies[i];
  }

  @Override
  public int headerCount() {
    return names.length;
  }

  @Override
  public CharSequence headerName(int i) {
    return names[i];
  }

  @Override
  public CharSequence headerValue(int i) {
    return values[i];
  }

  @Override
  public int clientAddressFamily() {
    return family;
  }

  @Override
  public long clientAddressHigh() {
    return high;
  }

  @Override
  public long clientAddressLow() {
    return low;
  }

  @Override
  public CharSequence bodyPrefix() {
    return body;
  }

  /** The request line and headers as text (for messages; allocates). */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder().append(method).append(' ').append(target);
    for (int i = 0; i < names.length; i++) {
      sb.append("\n").append(names[i]).append(": ").append(values[i]);
    }
    return sb.toString();
  }

  /** Collects the parts of a {@link BasicRequest}. Not thread-safe. */
  public static final class Builder {
    private final CharSequence method;
    private final CharSequence target;
    private final List<CharSequence> names = new ArrayList<>();
    private final List<CharSequence> values = new ArrayList<>();
    private final IpAddress address = new IpAddress();
    private CharSequence body = "";

    private Builder(CharSequence method, CharSequence target) {
      this.method = Objects.requireNonNull(method, "method");
      this.target = Objects.requireNonNull(target, "target");
    }

    /** Appends a header field (repeat a name for several occurrences). */
    public Builder header(CharSequence name, CharSequence value) {
      names.add(Objects.requireNonNull(name, "name"));
      values.add(Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * Sets the client address from its text (IPv4 or IPv6; {@code ::ffff:a.b.c.d} stays IPv6).
     *
     * @throws IllegalArgumentException when it is not an address literal
     */
    public Builder client(CharSequence address) {
      this.address.set(IpAddress.parse(address));
      return this;
    }

    /** Sets the client address. */
    public Builder client(IpAddress address) {
      this.address.set(address);
      return this;
    }

    /** Sets the body prefix: one char per byte (0..255). */
    public Builder body(CharSequence body) {
      this.body = Objects.requireNonNull(body, "body");
      return this;
    }

    /** The request. */
    public BasicRequest build() {
      return new BasicRequest(this);
    }
  }
}
