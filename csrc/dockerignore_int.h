/* .dockerignore patterns with the Docker CLI's semantics (internal).
 *
 * Lines are trimmed; empty lines and lines starting with '#' are skipped; a
 * leading '!' makes an exception; the rest is cleaned like Go's
 * filepath.Clean and a leading '/' dropped. A path is excluded when the
 * last pattern that matches it, or one of its parent directories, is not an
 * exception. In a pattern `*` matches any run of characters but '/', `?` one
 * character but '/', `**` any number of whole directories (also none),
 * `[...]` a character class (`^` negates), `\` escapes the next byte. */
#ifndef DK_DOCKERIGNORE_INT_H
#define DK_DOCKERIGNORE_INT_H

#include <stddef.h>

typedef struct dk_ignore dk_ignore;

/* Parse the text of a .dockerignore file (need not be NUL-terminated). An
 * empty text gives a matcher that excludes nothing. DK_EINVAL for a bad
 * pattern (an unclosed '[' class). */
int dk__ignore_parse(dk_ignore **out, const char *text, size_t len);
void dk__ignore_free(dk_ignore *ig);

/* 1 if the slash-separated relative path is excluded, else 0. */
int dk__ignore_excluded(const dk_ignore *ig, const char *path);

/* 1 if an excluded directory must still be walked because an exception
 * pattern may match something inside it, else 0. */
int dk__ignore_dir_has_exceptions(const dk_ignore *ig, const char *dir);

/* Match one cleaned pattern (no '!') against a whole path: 1, 0, or -1 for
 * a bad pattern. */
int dk__ignore_match(const char *pattern, const char *path);

/* Go's filepath.Clean on a slash-separated path, in place. Returns s. */
char *dk__path_clean(char *s);

#endif
