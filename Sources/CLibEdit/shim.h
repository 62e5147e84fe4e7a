#ifndef ETHOS_CLIBEDIT_SHIM_H
#define ETHOS_CLIBEDIT_SHIM_H

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <histedit.h>

// libedit's el_set, el_get and history are variadic, which Swift cannot call;
// these fixed-arity wrappers (GRDB's GRDBSQLite shim follows the same pattern)
// expose exactly the forms ethos uses.

typedef char *(*ethos_prompt_fn)(EditLine *);
typedef unsigned char (*ethos_command_fn)(EditLine *, int);

static inline int ethos_el_set_prompt(EditLine *el, ethos_prompt_fn fn) {
  return el_set(el, EL_PROMPT, fn);
}
static inline int ethos_el_set_editor(EditLine *el, const char *mode) {
  return el_set(el, EL_EDITOR, mode);
}
static inline int ethos_el_set_signal(EditLine *el, int flag) {
  return el_set(el, EL_SIGNAL, flag);
}
static inline int ethos_el_set_hist(EditLine *el, History *h) {
  return el_set(el, EL_HIST, history, h);
}
static inline int ethos_el_set_clientdata(EditLine *el, void *data) {
  return el_set(el, EL_CLIENTDATA, data);
}
static inline void *ethos_el_get_clientdata(EditLine *el) {
  void *data = NULL;
  el_get(el, EL_CLIENTDATA, &data);
  return data;
}
static inline int ethos_el_addfn(EditLine *el, const char *name, const char *help, ethos_command_fn fn) {
  return el_set(el, EL_ADDFN, name, help, fn);
}
static inline int ethos_el_bind(EditLine *el, const char *key, const char *fn) {
  return el_set(el, EL_BIND, key, fn, NULL);
}
static inline int ethos_history_setsize(History *h, HistEvent *ev, int size) {
  return history(h, ev, H_SETSIZE, size);
}
static inline int ethos_history_setunique(History *h, HistEvent *ev, int flag) {
  return history(h, ev, H_SETUNIQUE, flag);
}
static inline int ethos_history_enter(History *h, HistEvent *ev, const char *line) {
  return history(h, ev, H_ENTER, line);
}
static inline int ethos_history_load(History *h, HistEvent *ev, const char *path) {
  return history(h, ev, H_LOAD, path);
}
static inline int ethos_history_save(History *h, HistEvent *ev, const char *path) {
  return history(h, ev, H_SAVE, path);
}
/// Turns off ISIG while libedit edits a line, so Ctrl-C arrives as a key
/// (bound to ethos-interrupt) instead of a signal; outside el_gets the
/// terminal is cooked again and Ctrl-C is SIGINT.
static inline int ethos_el_set_tty_noisig(EditLine *el) {
  return el_set(el, EL_SETTY, "-d", "-isig", NULL);
}
/// The terminal's width in columns, 80 when it cannot be told.
static inline int ethos_terminal_columns(int fd) {
  struct winsize size;
  if (ioctl(fd, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  return 80;
}
/// The terminal's height in rows, 0 when it cannot be told.
static inline int ethos_terminal_rows(int fd) {
  struct winsize size;
  if (ioctl(fd, TIOCGWINSZ, &size) == 0 && size.ws_row > 0) return size.ws_row;
  return 0;
}

typedef void (*ethos_signal_fn)(int);

/// Installs `fn` for SIGINT (restarting interrupted system calls), saving the old action.
static inline int ethos_sigint_install(ethos_signal_fn fn, struct sigaction *old) {
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = fn;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  int result = sigaction(SIGINT, &action, old);
  // A parent may have started us with SIGINT blocked (the mask survives exec):
  // Ctrl-C would then stay pending and never stop a script.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_UNBLOCK, &set, NULL);
  return result;
}
static inline int ethos_sigint_restore(const struct sigaction *old) { return sigaction(SIGINT, old, NULL); }

static inline FILE *ethos_stdin(void) { return stdin; }
static inline FILE *ethos_stdout(void) { return stdout; }
static inline FILE *ethos_stderr(void) { return stderr; }

#endif
