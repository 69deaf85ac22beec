package org.stickyroute.config;

import java.util.Objects;

/**
 * A backend's {@code stick-table} line: {@code stick-table type ip|ipv6|integer|string [len N]|binary [len N]
 * size N [expire T] [nopurge] [peers NAME]}. Only the {@code server_id} of an entry routes; the table is named
 * after its backend, as in HAProxy. Immutable.
 *
 * @param name the table's name (its backend's name)
 * @param type the key type
 * @param keyLength the key length in bytes: the {@code len} of {@code string} keys (default 31: HAProxy's
 *     default key size, 32, holds the terminating NUL; {@code len N} holds N bytes) and of {@code binary} keys
 *     (default 32); 4 for {@code ip} and {@code integer}, 16 for {@code ipv6}
 * @param size the largest number of entries
 * @param expireMillis {@code expire}: an entry not touched for this long disappears; 0 = never
 * @param nopurge {@code nopurge}: a full table refuses new entries instead of dropping its oldest
 * @param peers the {@code peers} section that shares the table, or {@code null}
 * @param location where the line is
 */
public record StickTableConfig(String name, KeyType type, int keyLength, int size, long expireMillis,
    boolean nopurge, String peers, SourceLocation location) {

  /** Key types, as HAProxy names them. */
  public enum KeyType {
    /** IPv4 addresses (4 bytes). */
    IP,
    /** IPv6 addresses (16 bytes); IPv4 keys are stored IPv4-mapped. */
    IPV6,
    /** 32-bit unsigned integers. */
    INTEGER,
    /** Strings, compared on their first {@code len} bytes. */
    STRING,
    /** Binary blocks of exactly {@code len} bytes (shorter ones padded with zeros). */
    BINARY
  }

  /** Validates. */
  public StickTableConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(location, "location");
    if (size <= 0) {
      throw new IllegalArgumentException("'" + size + "': a stick-table needs a positive size");
    }
    if (keyLength <= 0) {
      throw new IllegalArgumentException("'" + keyLength + "': key length must be positive");
    }
    if (expireMillis < 0) {
      throw new IllegalArgumentException("'" + expireMillis + "': expire must not be negative");
    }
  }

  /** A table of {@code type} with HAProxy's default key length, for the builder API. */
  public static StickTableConfig of(String name, KeyType type, int size, long expireMillis) {
    int len = switch (type) {
      case IP, INTEGER -> 4;
      case IPV6 -> 16;
      case STRING -> 31;
      default -> 32;
    };
    return new StickTableConfig(name, type, len, size, expireMillis, false, null, SourceLocation.BUILDER);
  }
}
