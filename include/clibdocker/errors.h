/* clibdocker: error codes and the thread-local last error.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef CLIBDOCKER_ERRORS_H
#define CLIBDOCKER_ERRORS_H

#include "common.h"

DK_BEGIN_DECL

/** Return codes. Every function that can fail returns 0 (DK_OK) or one of
 * these negative codes, and records details in dk_error_last(). */
typedef enum {
	DK_OK = 0,
	DK_ERROR = -1,      /**< generic / unclassified failure */
	DK_EINVAL = -2,     /**< invalid argument, refused before any request */
	DK_ENOMEM = -3,     /**< out of memory */
	DK_ECONNECT = -4,   /**< could not connect to the engine */
	DK_ETRANSPORT = -5, /**< connection failed or was cut during a transfer */
	DK_ETIMEOUT = -6,   /**< a connect, total or idle timeout expired */
	DK_EPROTO = -7,     /**< the engine's answer broke the protocol */
	DK_EAPI = -8,       /**< the engine answered with an error status */
	DK_ENOTFOUND = -9,  /**< the engine answered 404 */
	DK_ECONFLICT = -10, /**< the engine answered 409 */
	DK_EAUTH = -11,     /**< the engine answered 401 */
	DK_EVERSION = -12,  /**< not available in the negotiated API version */
	DK_ECANCELED = -13, /**< the call or stream was canceled */
	DK_ESTREAM = -14,   /**< the engine reported an error inside a stream */
	DK_EUSER = -15,     /**< a user callback asked to stop with an error */
	DK_EUNSUPPORTED = -16 /**< not supported by this build or transport */
} dk_error_code;

/** Details of the last failure on the calling thread. */
typedef struct dk_error {
	int code;            /**< a dk_error_code (negative), or 0 */
	int http_status;     /**< HTTP status from the engine, or 0 (with DK_ETIMEOUT: the status of an answer whose body timed out) */
	int curl_code;       /**< libcurl's CURLcode, or 0 */
	const char *message; /**< the engine's `message`, or our own; never NULL */
	const char *url;     /**< with an answer of status >= 300, or a DK_ETIMEOUT whose
	                          answer's headers had come: the request's URL
	                          ("http://localhost/v1.41/containers/x/json"); else ""; never NULL */
	const char *method;  /**< with `url`: the request's method ("GET", "POST", ...); else "";
	                          never NULL */
} dk_error;

/**
 * The last error recorded on the calling thread.
 *
 * @return a pointer to thread-local storage, never NULL. It stays valid and
 *         unchanged until the next clibdocker call on the same thread that
 *         fails or calls dk_error_clear(). Successful calls do not clear it.
 * Thread-safety: each thread has its own record.
 */
DK_EXTERN(const dk_error *) dk_error_last(void);

/** Reset the calling thread's last error to code 0, message "". */
DK_EXTERN(void) dk_error_clear(void);

/** A static, human-readable name for a code ("DK_ENOTFOUND", ...). */
DK_EXTERN(const char *) dk_error_name(int code);

DK_END_DECL

#endif
