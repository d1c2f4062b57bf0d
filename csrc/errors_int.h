/* Setting the thread-local last error (internal). */
#ifndef DK_ERRORS_INT_H
#define DK_ERRORS_INT_H

#include "clibdocker/errors.h"

/* Record an error and return `code`, so callers can `return dk__err(...)`. */
int dk__err(int code, int http_status, int curl_code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Record an error with a message taken as is (no formatting). */
int dk__err_msg(int code, int http_status, int curl_code, const char *msg, size_t len);
/* Record the URL of the request behind the error just recorded (dk__err
 * clears it; dk__err_msg, which also restores saved errors, keeps it). */
void dk__err_set_url(const char *url);

#endif
