/* The client handle and the call mechanism (internal).
 *
 * Every operation goes through one path:
 *   dk__call_begin()  URL = base + /vX.Y + path template with escaped params
 *   dk__call_query_*() typed query parameters
 *   dk__call_json_body() / dk__call_header()
 *   dk__call_value() or dk__call_void() or dk__stream_open()
 *       transfer on a pooled easy handle, status -> error with the daemon's
 *       message, 2xx -> result, trace hook, bookkeeping freed. */
#ifndef DK_CLIENT_INT_H
#define DK_CLIENT_INT_H

#include <pthread.h>
#include <stdint.h>

#include <curl/curl.h>

#include "clibdocker/client.h"
#include "clibdocker/value.h"
#include "buf_int.h"

#define DK_POOL_MAX 16

struct dk_client {
	char *url;          /* normalised, as given */
	char *base;         /* "http://localhost" or "http://host:port" */
	char *unix_path;    /* NULL for TCP */
	int tls;            /* 1: https */
	int tls_verify;
	char *tls_ca, *tls_cert, *tls_key;
	long connect_ms;
	long total_ms;
	long idle_ms;
	struct dk_ssh *ssh; /* ssh:// transport state (ssh_int.h), or NULL */

	pthread_mutex_t lock; /* guards pool, trace, version */
	CURL *pool[DK_POOL_MAX];
	int npool;
	unsigned pool_forks; /* dk__forks when the pool was filled: another value
	                      * means this is a forked child and the pooled
	                      * connections are its parent's (client.c) */
	unsigned born_forks; /* dk__forks when the client was made */
	struct dk_hdrset *hdrs; /* headers every request carries (request.c); swapped
	                         * whole under `lock`, shared by calls in flight */

	int version_set;    /* 1 once version[] is final */
	char version[16];   /* "1.41" */
	int version_num;    /* 1041 */

	dk_trace_fn trace;
	void *trace_ud;
	size_t trace_cap;
};

/* One call's bookkeeping. Lives on the caller's stack. */
typedef struct dk_call {
	dk_client *c;
	const char *method;
	const char *op;            /* operationId, for messages */
	dkbuf url;
	int nquery;
	const char *body;          /* borrowed or points into body_owned */
	size_t body_len;
	int has_body;
	dkbuf body_owned;
	dk_read_fn body_read;      /* streamed body source, or NULL */
	void *body_read_ud;
	int body_read_err;         /* the source's error, if it failed */
	uint64_t body_sent;
	void (*body_free)(void *); /* frees body_read_ud with the call, or NULL */
	struct curl_slist *headers;  /* per-call extra headers, or NULL */
	struct dk_hdrset *hdrs;      /* the client's headers, held by the call */
	dkbuf trace_headers;         /* redacted copy for the trace */
	int redact_body;           /* body may hold secrets */
	int redact_response;       /* the answer may hold secrets (traced redacted) */
	int want_headers;          /* collect response headers */
	const char *accept_encoding; /* static: codings libcurl asks for and decodes, or NULL */
	long total_ms;             /* -1: client default */
	int vnum;                  /* API version of a versioned call (1041), else 0 */
	int negotiation;           /* the version negotiation's /_ping (loop.c) */

	/* response */
	long status;
	dkbuf resp;
	dkbuf resp_headers;
	int64_t start_us, end_us;
	int err;                   /* first error */

	/* captured at begin: */
	dk_trace_fn trace;
	void *trace_ud;
	size_t trace_cap;
} dk_call;

int64_t dk__now_us(void);

/* The headers every request of a client carries, built once per change
 * (request.c): `list` is Content-Type: application/json and Expect: (unless
 * the user's lines replace them) followed by the user's lines; `raw` holds
 * the user's lines as "Name: value\r\n" for hand-written requests (hijack).
 * Immutable once built; reference counted so that dk_client_set_headers()
 * may replace a client's set while calls hold the old one. */
typedef struct dk_hdrset {
	int refs;                    /* atomic (__atomic builtins) */
	struct curl_slist *list;
	char *raw;                   /* "" when the user gave none */
	int user_agent;              /* 1: the user's lines hold a User-Agent */
} dk_hdrset;

/* A set from "Name: value" lines (NULL-terminated; NULL for none). */
int dk__hdrset_new(dk_hdrset **out, const char *const *lines);
/* Take a reference to the client's current set (under c->lock). */
dk_hdrset *dk__hdrset_get(dk_client *c);
void dk__hdrset_release(dk_hdrset *h);

/* DOCKER_HOST, DOCKER_API_VERSION and DOCKER_TLS_* only (no contexts). */
int dk__client_new_from_host_env(dk_client **out);

/* Negotiate if needed; return the version number (e.g. 1041) or <0. */
int dk__client_version_num(dk_client *c);
/* Whether the API version is fixed or already negotiated. */
int dk__client_version_known(dk_client *c);
/* Negotiate from the headers of a /_ping answer another call made, if no
 * version is set yet and the answer names a usable one. */
void dk__client_learn_version(dk_client *c, const dkbuf *ping_headers);

/* Set the client's transport options (socket path, TLS, ...) on a new
 * easy handle; used for pooled handles and stream handles alike. */
void dk__client_setup_easy(dk_client *c, CURL *h);

/* Take/return a pooled easy handle configured for this client. */
CURL *dk__client_acquire(dk_client *c);
void dk__client_release(dk_client *c, CURL *h);

/* Start a call. `path` is a template in which each "{}" is replaced by the
 * next vararg string, percent-escaped (NULL or "" is refused with DK_EINVAL).
 * `versioned` adds the /vX.Y prefix (negotiating first). */
int dk__call_begin(dk_call *k, dk_client *c, const char *method, const char *op,
	int versioned, const char *path, ...);
int dk__call_query_str(dk_call *k, const char *name, const char *value);  /* NULL: skipped */
int dk__call_query_bool(dk_call *k, const char *name, int value);         /* <0: skipped */
int dk__call_query_int(dk_call *k, const char *name, int64_t value);
/* Refuse a parameter the negotiated API lacks. `since` like "1.42".
 * Most gates need no call: the table in gates.c is applied by begin (the
 * operation), the query and header functions and dk__call_ready (the JSON
 * body's members); see gates_int.h. */
int dk__call_require(dk_call *k, const char *since, const char *what);
/* JSON request body, borrowed (must outlive the call). */
int dk__call_json_body(dk_call *k, const char *json, size_t len, int secret);
/* A streamed (chunked) request body read from `fn`, with its content type
 * (e.g. "application/x-tar"). */
int dk__call_stream_body(dk_call *k, dk_read_fn fn, void *ud, const char *content_type);
/* An extra header; `secret` redacts its value in the trace. */
int dk__call_header(dk_call *k, const char *name, const char *value, int secret);
/* Ask for the answer in one of `codings` (a static string, "gzip, deflate")
 * and decode it: the body handed on (value, stream, file) is the plain one,
 * as an HTTP library with transparent decoding gives it. */
int dk__call_accept_encoding(dk_call *k, const char *codings);

/* The last checks before a request is sent (the version gates of the JSON
 * body's members): 0, or the error, with the call's trace hook dropped
 * since nothing is sent. dk__call_perform, dk__stream_open and the hijack
 * (dk__hijack_open*) call it. */
int dk__call_ready(dk_call *k);
/* Perform the transfer: fills status, resp, resp_headers; returns 0, a
 * transport error, or the error for a non-2xx/3xx status. */
int dk__call_perform(dk_call *k);
/* The outcome of a finished transfer of k on h (status, resp and the curl
 * code filled in): 0, the transport error, or the error for the status.
 * Shared by the blocking transfer and the event loop's (loop.c). */
int dk__call_outcome(dk_call *k, CURL *h, CURLcode cc, const char *errbuf);
/* Undo the per-call options a transfer of k set on h, before h is reused. */
void dk__call_reset_handle(const dk_call *k, CURL *h);
/* Trace (with `rc` as the result) and release everything. Returns rc. */
int dk__call_finish(dk_call *k, int rc);

/* Perform and finish the call, handing the body back as a dk_value. */
int dk__call_value(dk_call *k, dk_value **out);
/* Perform and finish, discarding the body (still traced). */
int dk__call_void(dk_call *k);
/* Release everything without performing (after an error in building). */
int dk__call_abort(dk_call *k, int rc);

/* Shared with stream.c */
int dk__call_setup_handle(dk_call *k, CURL *h, int streaming);
int dk__call_status_error(dk_call *k);
/* The error for a failed transfer of call k on handle h (NULL: unknown). */
int dk__curl_error(const dk_call *k, CURL *h, CURLcode cc, const char *errbuf);
void dk__call_trace(dk_call *k, int code, const char *body, size_t shown,
	uint64_t total, int streamed);
void dk__call_dispose(dk_call *k);
size_t dk__header_cb(char *data, size_t size, size_t n, void *ud);
const char *dk__find_header(const dkbuf *h, const char *name, size_t *len);

#endif
