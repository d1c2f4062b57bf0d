/* Setting the thread-local last error (internal). */
#ifndef DK_ERRORS_INT_H
#define DK_ERRORS_INT_H

#include "clibdocker/errors.h"

/* Record an error and return `code`, so callers can `return dk__err(...)`. */
int dk__err(int code, int http_status, int curl_code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Record an error with a message taken as is (no formatting). */
int dk__err_msg(int code, int http_status, int curl_code, const char *msg, size_t len);

#define DK_ERRMSG_MAX 4096
#define DK_ERRURL_MAX 2048
#define DK_ERRMETHOD_MAX 16

/* A copy of the thread's last error, to keep it across code (a trace hook)
 * that may record others. */
typedef struct dk__err_saved {
	int code, http_status, curl_code;
	char message[DK_ERRMSG_MAX];
	char url[DK_ERRURL_MAX];
	char method[DK_ERRMETHOD_MAX];
} dk__err_saved;
void dk__err_save(dk__err_saved *s);
void dk__err_restore(const dk__err_saved *s);

/* Name the request an error recorded just now answered (dk_error.url and
 * .method; method may be NULL); every other dk__err* resets both to "". */
void dk__err_set_url(const char *method, const char *url, size_t len);

#endif
