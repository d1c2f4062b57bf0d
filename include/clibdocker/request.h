/* clibdocker: generic requests and the headers every request carries.
 * SPDX-License-Identifier: Apache-2.0
 *
 * The per-operation functions (dk_container_create(), ...) cover the Engine
 * API. dk_request() is the escape hatch for what they do not: one HTTP
 * request with a caller-built path, on the same call mechanism (pooled
 * connection, timeouts, the client's headers, the trace hook), answering
 * with the status, headers and body whatever the status is. It is what
 * docker-py's semi-private helpers (`_get`, `_post`, ...) run on. */
#ifndef CLIBDOCKER_REQUEST_H
#define CLIBDOCKER_REQUEST_H

#include "common.h"

DK_BEGIN_DECL

/**
 * Replace the extra headers every request of the client carries (docker-py's
 * `APIClient.headers`, config.json's `HttpHeaders`), also on streams and
 * hijacked connections. `lines` is a NULL-terminated array of
 * "Name: value" strings, copied; NULL or an empty array removes them. A
 * `User-Agent` line replaces clibdocker's; a `Content-Type` or `Expect`
 * line replaces the default sent with JSON bodies.
 *
 * Thread-safe: calls already running keep the set they started with.
 * @return 0, DK_EINVAL (a line without "Name:", a name with spaces, a CR or
 *         LF anywhere), DK_ENOMEM.
 */
DK_EXTERN(int) dk_client_set_headers(dk_client *c, const char *const *lines);

/** One request (see dk_request()). */
typedef struct dk_request_options {
	unsigned version;            /**< DK_REQUEST_OPTIONS_VERSION */
	const char *method;          /**< "GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS" or "PATCH" */
	/** Path and query, already percent-escaped, starting with '/':
	 * "/v1.41/containers/json?all=1". Sent as it is after the client's base
	 * URL; no version prefix is added (use dk_client_api_version()). Bytes
	 * below 0x21, 0x7f and '#' are refused. */
	const char *path;
	const char *body;            /**< request body (borrowed), or NULL for none */
	size_t body_len;
	dk_read_fn body_read;        /**< or a streamed (chunked) body, or NULL */
	void *body_read_ud;
	/** The body's Content-Type; NULL: application/json for `body`,
	 * application/octet-stream for `body_read`. */
	const char *content_type;
	/** Extra "Name: value" lines for this request (NULL-terminated), or NULL. */
	const char *const *headers;
	long timeout_ms;             /**< the total timeout; -1: the client's; 0: none */
} dk_request_options;

#define DK_REQUEST_OPTIONS_VERSION 1
#define DK_REQUEST_OPTIONS_INIT {DK_REQUEST_OPTIONS_VERSION, "GET", NULL, NULL, 0, NULL, NULL, NULL, NULL, -1}

/** Initialise `o` like DK_REQUEST_OPTIONS_INIT (for bindings). */
DK_EXTERN(void) dk_request_options_init(dk_request_options *o);

/** The answer to dk_request(). */
typedef struct dk_response dk_response;

/**
 * Perform one request and return the engine's answer, whatever its status.
 *
 * @param out receives the response, owned by the caller (dk_response_free()).
 * @return 0 when the engine answered (any HTTP status, also 4xx/5xx: read
 *         dk_response_status()); a transport error, DK_ETIMEOUT or
 *         DK_ECANCELED when it did not; DK_EINVAL for bad options; DK_EUSER
 *         when `body_read` failed.
 */
DK_EXTERN(int) dk_request(dk_response **out, dk_client *c, const dk_request_options *o);

/**
 * Perform one request and stream its body raw (DK_STREAM_RAW), as it arrives,
 * with no total timeout. Response headers: dk_stream_header().
 *
 * @param out receives the stream, owned by the caller (dk_stream_free()).
 * @return 0; an error status is returned as an error (DK_ENOTFOUND, DK_EAPI,
 *         ... with the daemon's message and dk_error_last()->http_status), as
 *         is a transport failure.
 */
DK_EXTERN(int) dk_request_stream(dk_stream **out, dk_client *c, const dk_request_options *o);

/** The HTTP status (e.g. 200, 404). */
DK_EXTERN(int) dk_response_status(const dk_response *r);

/** The body (borrowed, valid until dk_response_free(); NUL-terminated
 * after `len` bytes for convenience; may contain NULs). */
DK_EXTERN(const char *) dk_response_body(const dk_response *r, size_t *len);

/** The response head as received: status line and "Name: value\r\n" lines
 * (borrowed). */
DK_EXTERN(const char *) dk_response_headers(const dk_response *r, size_t *len);

/** The value of response header `name` (case-insensitive; borrowed, not
 * NUL-terminated: `len` bytes), or NULL if absent. */
DK_EXTERN(const char *) dk_response_header(const dk_response *r, const char *name, size_t *len);

/** Free a response. Accepts NULL. */
DK_EXTERN(void) dk_response_free(dk_response *r);

DK_END_DECL

#endif
