/*
 * One logging module for the whole program: stderr in the foreground,
 * syslog when running as a service.
 *
 * Secrets never go in a message. As a second line of defence, any string
 * registered with log_secret_add() is replaced by "****" in every message
 * before it is written, so a secret that slips into an error text (a server
 * echoing a header back, say) still does not reach the log.
 */
#ifndef PRA_LOG_H
#define PRA_LOG_H

#include <stdarg.h>
#include <stdio.h>

enum log_level {
	LOG_LVL_ERROR = 0,
	LOG_LVL_WARN,
	LOG_LVL_NOTICE,
	LOG_LVL_INFO,
	LOG_LVL_DEBUG,
};

enum log_target {
	LOG_TARGET_STDERR = 0,
	LOG_TARGET_SYSLOG,
};

/* ident is kept by pointer (syslog does the same); pass a string literal. */
void log_init(const char *ident, enum log_target target, enum log_level level);
void log_set_level(enum log_level level);
enum log_level log_get_level(void);
/* Redirect stderr output to another stream (tests); NULL restores stderr. */
void log_set_stream(FILE *fp);

/* "error", "warn"/"warning", "notice", "info", "debug": 0 on success. */
int log_level_parse(const char *name, enum log_level *out);
const char *log_level_name(enum log_level level);

/* Register a secret to scrub from every message; returns 0, or -1 when the
 * table is full (the caller must then be extra careful, and is told). */
int log_secret_add(const char *secret);
void log_secret_remove(const char *secret);
/* Wipes the registered secrets and closes syslog. */
void log_shutdown(void);

void log_msg(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void log_vmsg(enum log_level level, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

#define log_error(...)  log_msg(LOG_LVL_ERROR, __VA_ARGS__)
#define log_warn(...)   log_msg(LOG_LVL_WARN, __VA_ARGS__)
#define log_notice(...) log_msg(LOG_LVL_NOTICE, __VA_ARGS__)
#define log_info(...)   log_msg(LOG_LVL_INFO, __VA_ARGS__)
#define log_debug(...)  log_msg(LOG_LVL_DEBUG, __VA_ARGS__)

#endif
