/* clibdocker: the client handle, its configuration and the trace hook.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef CLIBDOCKER_CLIENT_H
#define CLIBDOCKER_CLIENT_H

#include "common.h"

DK_BEGIN_DECL

/**
 * Create a client for the engine at `url`.
 *
 * Accepted forms: `unix:///var/run/docker.sock` (also docker-py's
 * `unix://var/run/docker.sock`), `tcp://host:port`, `http://host:port`,
 * `host:port`, `https://host:port` (TLS, verified against the system's CAs
 * unless dk_client_set_tls() says otherwise). NULL means the default `unix:///var/run/docker.sock`.
 * No connection is made until the first call; the API version is negotiated
 * lazily from `/_ping` unless set with dk_client_set_api_version().
 *
 * @param out receives the client; the caller owns it and frees it with
 *            dk_client_free().
 * @return 0, DK_EINVAL for a malformed or unsupported URL, DK_ENOMEM.
 */
DK_EXTERN(int) dk_client_new(dk_client **out, const char *url);

/**
 * Create a client configured like the docker CLI from the environment:
 * `DOCKER_HOST` (default unix:///var/run/docker.sock), `DOCKER_API_VERSION`,
 * and TLS: `DOCKER_TLS_VERIFY` (non-empty: TLS, verifying the engine) and
 * `DOCKER_CERT_PATH` (ca.pem, cert.pem, key.pem; default ~/.docker; set
 * alone it turns TLS on without verification, as docker-py does). The
 * environment is read once, here.
 *
 * @param out receives the client, owned by the caller (dk_client_free()).
 */
DK_EXTERN(int) dk_client_new_from_env(dk_client **out);

/** Free a client and its pooled connections. Accepts NULL. No call on the
 * client may be in flight, and streams opened on it must be freed first. */
DK_EXTERN(void) dk_client_free(dk_client *c);

/** Close the client's idle pooled connections; the client stays usable (the
 * next call opens a new connection). Calls and streams in flight keep their
 * own connections. Accepts NULL. Safe from any thread. */
DK_EXTERN(void) dk_client_close_idle(dk_client *c);

/**
 * Fix the API version instead of negotiating ("1.41", "v1.45", or NULL /
 * "auto" for lazy negotiation). Versions outside DK_API_VERSION_MIN ..
 * DK_API_VERSION_MAX are refused with DK_EVERSION. Set before sharing the
 * client between threads.
 */
DK_EXTERN(int) dk_client_set_api_version(dk_client *c, const char *version);

/**
 * The API version in use, negotiating it first if needed: min(our newest,
 * the daemon's `Api-Version`). Thread-safe; negotiates at most once.
 *
 * @param out receives a borrowed string like "1.41", valid for the client's
 *            lifetime.
 * @return 0, a transport error, or DK_EVERSION if the daemon is older than
 *         DK_API_VERSION_MIN.
 */
DK_EXTERN(int) dk_client_api_version(const char **out, dk_client *c);

/**
 * Timeouts in milliseconds; 0 means none. `connect_ms` bounds connecting,
 * `total_ms` bounds a whole non-streaming call (default 60000, like
 * docker-py), `stream_idle_ms` bounds silence on a stream (default 0: a
 * follow-stream waits forever unless asked). Set before sharing the client.
 */
DK_EXTERN(int) dk_client_set_timeouts(dk_client *c, long connect_ms, long total_ms, long stream_idle_ms);

/** TLS settings for tcp:// and https:// hosts (see dk_client_set_tls()). */
typedef struct dk_tls_options {
	unsigned version;          /**< DK_TLS_OPTIONS_VERSION */
	const char *ca_cert;       /**< CA bundle (PEM file) to verify the engine; NULL: the system's */
	const char *client_cert;   /**< client certificate (PEM file), or NULL */
	const char *client_key;    /**< its private key (PEM file), or NULL */
	int verify;                /**< 1: verify the engine's certificate and name; 0: do not */
} dk_tls_options;

#define DK_TLS_OPTIONS_VERSION 1
#define DK_TLS_OPTIONS_INIT {DK_TLS_OPTIONS_VERSION, NULL, NULL, NULL, 1}

/** Initialise `o` like DK_TLS_OPTIONS_INIT (for bindings that cannot use
 * macros). */
DK_EXTERN(void) dk_tls_options_init(dk_tls_options *o);

/**
 * Speak TLS to a tcp:// host (an https:// URL implies TLS with verification).
 * The paths are copied. NULL `tls` turns TLS off again for tcp:// hosts.
 * Set before the first call and before sharing the client.
 * @return 0, DK_EINVAL (a unix:// client, a key without a certificate, a
 *         file that cannot be read), DK_EUNSUPPORTED (no TLS in this libcurl).
 */
DK_EXTERN(int) dk_client_set_tls(dk_client *c, const dk_tls_options *tls);

/** The base URL the client was made from, normalised (borrowed). */
DK_EXTERN(const char *) dk_client_url(const dk_client *c);

/** One finished call, as given to the trace hook. Every pointer is borrowed
 * and valid only during the hook. Bodies are capped (see
 * dk_client_set_trace()) and secrets are redacted: `X-Registry-Auth` and
 * `X-Registry-Config` values, and JSON members named password, auth,
 * identitytoken or registrytoken (any case) read "<redacted>". */
typedef struct dk_trace {
	const char *method;        /**< "GET", "POST", ... */
	const char *url;           /**< the full URL, query included */
	int status;                /**< HTTP status, 0 if none was received */
	int code;                  /**< the call's result: 0 or a DK_E* code */
	int64_t start_us;          /**< wall clock (µs since the epoch) at start */
	int64_t end_us;            /**< wall clock at the end */
	const char *request_headers;  /**< extra request headers, redacted ("" if none) */
	const char *request_body;  /**< NULL if none or streamed */
	size_t request_body_len;
	int request_body_truncated;
	const char *response_body; /**< the first bytes of the response body */
	size_t response_body_len;
	int response_body_truncated;
	uint64_t response_bytes;   /**< the response body's full size */
	int streamed;              /**< 1 for a stream, traced when it is freed */
} dk_trace;

/** A trace hook: called once per call on the calling thread, after the
 * response is handled and before the call frees its bookkeeping. It must not
 * call back into the same client. */
typedef void (*dk_trace_fn)(const dk_trace *trace, void *userdata);

/**
 * Install (or with NULL remove) the trace hook. `body_cap` caps each body
 * shown to the hook in bytes (0 = 4096). Thread-safe with respect to calls
 * in flight (they use the hook that was set when they started).
 */
DK_EXTERN(int) dk_client_set_trace(dk_client *c, dk_trace_fn fn, void *userdata, size_t body_cap);

DK_END_DECL

#endif
