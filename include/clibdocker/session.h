/** @file session.h
 * BuildKit sessions: `POST /session` upgraded to HTTP/2, on which the engine
 * calls us back over gRPC (we are the server): health checks, the build
 * context and the Dockerfile's directory (FileSync/DiffCopy, sent
 * incrementally: the engine asks only for the files its cached copy lacks),
 * registry credentials (Auth/Credentials) and build secrets
 * (Secrets/GetSecret). Other methods are answered Unimplemented.
 *
 * Life cycle: dk_session_new(), dk_session_add_dir() / dk_session_add_secret()
 * (before opening), dk_session_open() (the upgrade, then a thread of its own
 * serves the connection: health checks are answered even while the caller is
 * busy, e.g. holding Python's GIL), dk_image_build_session() with
 * dk_session_id(), dk_session_close().
 *
 * Threads: the calls on one session are made by one thread at a time, except
 * dk_session_stats() and dk_session_close(), which may be called from any
 * thread while a build runs. Works on every transport (unix, TCP, TLS, ssh). */
#ifndef CLIBDOCKER_SESSION_H
#define CLIBDOCKER_SESSION_H

#include "common.h"
#include "client.h"

DK_BEGIN_DECL

typedef struct dk_session dk_session;

/**
 * A new session (nothing sent yet). @op Session
 * @param out  the session (caller's; dk_session_close() frees it)
 * @param name X-Docker-Expose-Session-Name (the CLI uses the context
 *        directory's base name), or NULL
 * @param shared_key X-Docker-Expose-Session-Sharedkey, or NULL for one
 *        derived from the first directory added (stable per directory: it
 *        is what lets the engine reuse its copy of an earlier context)
 * @return 0, DK_EINVAL, DK_ENOMEM.
 */
DK_EXTERN(int) dk_session_new(dk_session **out, dk_client *c, const char *name,
	const char *shared_key);

/**
 * Serve directory `path` under `name` ("context", "dockerfile") to the
 * engine's FileSync/DiffCopy calls. `excludes` (NULL-terminated
 * .dockerignore lines, or NULL) are applied on top of the patterns the
 * engine sends. Before dk_session_open() only.
 * @return 0, DK_EINVAL (not a directory, a bad pattern, already open).
 */
DK_EXTERN(int) dk_session_add_dir(dk_session *s, const char *name, const char *path,
	const char *const *excludes);

/**
 * Make the build secret `id` (RUN --mount=type=secret,id=...) available:
 * `data` is copied. Before dk_session_open() only.
 */
DK_EXTERN(int) dk_session_add_secret(dk_session *s, const char *id, const void *data,
	size_t len);

/**
 * Answer Auth/Credentials (the engine pulling from a registry) from the
 * client's Docker config and credential helpers: `config_dir` holds
 * config.json, or NULL for $DOCKER_CONFIG, else ~/.docker (as
 * dk_auth_lookup()). A credential helper runs on the session's thread when
 * the engine asks. Without this call or dk_session_set_auth(), the engine is
 * answered Unimplemented and pulls anonymously. Before dk_session_open().
 */
DK_EXTERN(int) dk_session_use_credentials(dk_session *s, const char *config_dir);

/**
 * Credentials known beforehand, the JSON map X-Registry-Config carries:
 * {"registry": {"username","password"} or {"identitytoken"}, ...} (keys
 * normalised as dk_auth_registry_of() does); looked up before the config of
 * dk_session_use_credentials(). Copied. Before dk_session_open().
 * @return 0, DK_EINVAL for JSON that is not an object.
 */
DK_EXTERN(int) dk_session_set_auth(dk_session *s, const char *registry_config_json);

/**
 * Forward the ssh agent listening on the unix socket `agent_socket` (e.g.
 * $SSH_AUTH_SOCK) to `RUN --mount=type=ssh[,id=ID]` steps: `id` NULL or ""
 * is "default". Each forwarded connection is a new connection to the
 * agent. Before dk_session_open().
 */
DK_EXTERN(int) dk_session_add_ssh(dk_session *s, const char *id, const char *agent_socket);

/**
 * Receive a build's output (FileSend/DiffCopy): with `dir`, the files of a
 * `type=local` output are written under it (created if missing; merged
 * into what it holds); with `fd` >= 0 (and `dir` NULL), the bytes of a
 * `type=tar` output are written to it (not closed). Set the build's
 * `outputs` to match. Before dk_session_open().
 */
DK_EXTERN(int) dk_session_set_output(dk_session *s, const char *dir, int fd);

/**
 * POST /session with Upgrade: h2c, then serve it from a thread of its own.
 * @op Session
 * @return 0, or the error of the upgrade (DK_ECONNECT, DK_EAPI, ...).
 */
DK_EXTERN(int) dk_session_open(dk_session *s);

/** The session's id (borrowed; valid until dk_session_close()). */
DK_EXTERN(const char *) dk_session_id(const dk_session *s);

/** Counters of a session (any thread, any time). */
typedef struct dk_session_stats {
	uint64_t bytes_sent;     /**< HTTP/2 bytes written to the engine */
	uint64_t bytes_received; /**< HTTP/2 bytes read from the engine */
	uint64_t file_bytes;     /**< file content sent in fsutil DATA packets */
	uint64_t stat_packets;   /**< fsutil STAT packets sent */
	uint64_t files_requested; /**< fsutil REQ packets answered */
	uint64_t health_checks;  /**< Health/Check calls answered */
	uint64_t calls;          /**< gRPC calls received */
	uint64_t output_bytes;   /**< build output received (file content or tar) */
	int closed;              /**< 1 once the connection ended */
} dk_session_stats;

DK_EXTERN(void) dk_session_get_stats(const dk_session *s, dk_session_stats *out);

/**
 * The error that ended the serving thread, if any: 0 while it runs or after
 * a clean end; otherwise a DK_E code with `msg` (borrowed) describing it.
 */
DK_EXTERN(int) dk_session_error(const dk_session *s, const char **msg);

/** Stop serving, close the connection, free everything (NULL is fine). */
DK_EXTERN(void) dk_session_close(dk_session *s);

DK_END_DECL

#endif
