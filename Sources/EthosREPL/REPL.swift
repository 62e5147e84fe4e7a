import EthosEngine

/// The interactive front end: libedit line editing over a session (SPEC §8).
public enum REPL {
  /// Runs the REPL until `quit` or Ctrl-D; returns the session's exit status.
  public static func run(_ session: Session) -> Int32 {
    session.console.err("the interactive REPL is coming — pipe a script into ethos or use 'ethos run FILE'")
    session.console.flush()
    return 0
  }
}
