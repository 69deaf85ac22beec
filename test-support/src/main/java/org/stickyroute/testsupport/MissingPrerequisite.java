package org.stickyroute.testsupport;

/**
 * A test's external program is missing (or has the wrong version) while {@code CI=true}. Its message is the
 * whole report: one line, and no stack trace, which would say nothing more.
 */
public final class MissingPrerequisite extends AssertionError {
  private static final long serialVersionUID = 1L;

  /**
   * A failure with a one-line message.
   *
   * @param message what is missing and how to install it
   */
  public MissingPrerequisite(String message) {
    super(message);
  }

  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }
}
