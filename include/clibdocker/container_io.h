/* clibdocker: a container's streams: logs, attach (also with stdin, over a
 * hijacked connection), export, stats, and file archives in and out.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef CLIBDOCKER_CONTAINER_IO_H
#define CLIBDOCKER_CONTAINER_IO_H

#include "common.h"

DK_BEGIN_DECL

/** A hijacked connection (opaque): after the HTTP upgrade, a plain
 * bidirectional byte pipe to a container's or exec's stdio. */
typedef struct dk_hijack dk_hijack;

/* --- logs ----------------------------------------------------------------- */

/** Options of dk_container_logs(). Set with DK_LOGS_OPTIONS_INIT or
 * dk_logs_options_init(), then change fields. */
typedef struct dk_logs_options {
	int version;        /**< DK_LOGS_OPTIONS_VERSION */
	int show_stdout;    /**< include stdout (default 1) */
	int show_stderr;    /**< include stderr (default 1) */
	int follow;         /**< keep the stream open for new output (default 0) */
	int timestamps;     /**< prefix each line with its RFC 3339 time (default 0) */
	const char *since;  /**< Unix time (may be fractional) or NULL */
	const char *until;  /**< Unix time or NULL (API >= 1.35) */
	const char *tail;   /**< "all" or a number of lines; NULL is "all" */
	int tty;            /**< -1: detect (default), 0: multiplexed, 1: raw (TTY) */
	int details;        /**< service and task logs: prefix each line with its
	                         labels and task details (default 0); containers
	                         refuse it (DK_EINVAL) */
} dk_logs_options;

#define DK_LOGS_OPTIONS_VERSION 1
#define DK_LOGS_OPTIONS_INIT {DK_LOGS_OPTIONS_VERSION, 1, 1, 0, 0, NULL, NULL, NULL, -1, 0}

/** Set `o` to the defaults (for bindings, which cannot use the macro). */
DK_EXTERN(void) dk_logs_options_init(dk_logs_options *o);

/**
 * GET /containers/{id}/logs as a stream. @op ContainerLogs
 *
 * A container without a TTY sends multiplexed frames: the stream is
 * DK_STREAM_MUX and dk_stream_next_frame() / dk_stream_next_batch() keep
 * stdout and stderr apart. A TTY container's output is raw (DK_STREAM_RAW,
 * reported as stdout). With `tty` -1 the kind comes from the answer's
 * Content-Type on API >= 1.42, and from inspecting the container before.
 *
 * @param opts NULL for the defaults
 * @param out  receives the open stream, owned by the caller (dk_stream_free()).
 *             With `follow` it runs until the container stops or
 *             dk_stream_cancel().
 * @return 0, DK_ENOTFOUND, DK_EVERSION for `until` before API 1.35, DK_EINVAL.
 */
DK_EXTERN(int) dk_container_logs(dk_stream **out, dk_client *c, const char *id,
	const dk_logs_options *opts);

/**
 * GET /services/{id}/logs: the logs of a swarm service's tasks, as a stream
 * demultiplexed like dk_container_logs(). @op ServiceLogs
 *
 * With `tty` -1 the service's spec is inspected for a TTY. Needs a swarm
 * manager; at least one of show_stdout / show_stderr.
 * @param out receives the stream, owned by the caller (dk_stream_free()).
 * @return 0, DK_ENOTFOUND, DK_EAPI (e.g. not a swarm manager).
 */
DK_EXTERN(int) dk_service_logs(dk_stream **out, dk_client *c, const char *id,
	const dk_logs_options *opts);

/**
 * GET /tasks/{id}/logs: the logs of one swarm task, as dk_service_logs().
 * @op TaskLogs
 */
DK_EXTERN(int) dk_task_logs(dk_stream **out, dk_client *c, const char *id,
	const dk_logs_options *opts);

/* --- attach --------------------------------------------------------------- */

/** Options of the attach calls. DK_ATTACH_OPTIONS_INIT or
 * dk_attach_options_init(). */
typedef struct dk_attach_options {
	int version;          /**< DK_ATTACH_OPTIONS_VERSION */
	int show_stdin;       /**< attach stdin (hijacked connections only; default 0) */
	int show_stdout;      /**< default 1 */
	int show_stderr;      /**< default 1 */
	int logs;             /**< replay the output so far first (default 0) */
	int stream;           /**< stream output as it comes (default 1) */
	const char *detach_keys; /**< e.g. "ctrl-p,ctrl-q", or NULL for the engine's */
	int tty;              /**< -1: detect (default), 0: multiplexed, 1: raw */
} dk_attach_options;

#define DK_ATTACH_OPTIONS_VERSION 1
#define DK_ATTACH_OPTIONS_INIT {DK_ATTACH_OPTIONS_VERSION, 0, 1, 1, 0, 1, NULL, -1}

DK_EXTERN(void) dk_attach_options_init(dk_attach_options *o);

/**
 * POST /containers/{id}/attach, read-only, as a stream. @op ContainerAttach
 *
 * Output of the running container (and with `logs` what it wrote before)
 * until it stops or the stream is canceled; demultiplexed as for
 * dk_container_logs() (with `tty` -1 the container is inspected first: the
 * engine's Content-Type is not reliable for attach). `show_stdin` is
 * ignored: use
 * dk_container_attach_hijack() to write to stdin.
 * @param out receives the stream, owned by the caller (dk_stream_free()).
 */
DK_EXTERN(int) dk_container_attach(dk_stream **out, dk_client *c, const char *id,
	const dk_attach_options *opts);

/**
 * POST /containers/{id}/attach over a hijacked connection (HTTP upgrade to
 * a plain bidirectional socket). @op ContainerAttach
 *
 * Write the container's stdin with dk_hijack_write() and end it with
 * dk_hijack_close_write(); read its output with dk_hijack_next_frame() or
 * dk_hijack_read(). Typing the detach keys ends the connection and leaves
 * the container running. Works over every transport: unix://, tcp://,
 * TLS (https) and ssh://.
 * @param out receives the connection, owned by the caller (dk_hijack_free()).
 * @return 0, DK_ENOTFOUND, DK_ECONFLICT (container not running), a transport error.
 */
DK_EXTERN(int) dk_container_attach_hijack(dk_hijack **out, dk_client *c, const char *id,
	const dk_attach_options *opts);

/**
 * GET /containers/{id}/attach/ws: the container's stdio over a WebSocket
 * (RFC 6455). @op ContainerAttachWebsocket
 *
 * The same dk_hijack calls work on it: dk_hijack_write() sends masked
 * binary frames (at most 64 KiB of payload each), dk_hijack_read() and
 * dk_hijack_next_frame() return the payload of the engine's frames (text
 * or binary: Docker 20.10 sends binary, 26.1 text), pings are answered
 * with pongs, the engine's close frame is the clean end (a close code
 * other than 1000/1001 is DK_ESTREAM with its reason), and
 * dk_hijack_close_write() sends a close frame: the engine then ends the
 * container's stdin (with StdinOnce) or the attach. The engine never
 * multiplexes this output: stdout and stderr arrive mixed and unlabelled,
 * even without a TTY (the kind is DK_STREAM_RAW; frames report DK_STDOUT).
 * `tty` is ignored; before API 1.42 the engine always attaches stdin,
 * stdout and stderr, so show_stdin/show_stdout/show_stderr are sent only
 * from 1.42 on. The handshake's Sec-WebSocket-Accept is checked; a
 * frame over 16 MiB, a masked or malformed frame, or a connection cut
 * inside a frame is DK_EPROTO. Works over every transport.
 * @param out receives the connection, owned by the caller (dk_hijack_free()).
 * @return 0, DK_ENOTFOUND, DK_EPROTO (no or a wrong upgrade), a transport error.
 */
DK_EXTERN(int) dk_container_attach_websocket(dk_hijack **out, dk_client *c, const char *id,
	const dk_attach_options *opts);

/* --- hijacked connections ---------------------------------------------------- */

/** Write all `len` bytes to the connection (the container's stdin).
 * @return 0, DK_ETRANSPORT if the connection is closed, DK_ECANCELED. */
DK_EXTERN(int) dk_hijack_write(dk_hijack *h, const void *data, size_t len);

/** Close the writing half: the container's stdin sees end-of-file, the
 * output can still be read. A TCP half-close on unix, tcp and ssh
 * connections; a TLS close_notify over TLS (a plain TCP half-close if the
 * library was built without OpenSSL). */
DK_EXTERN(int) dk_hijack_close_write(dk_hijack *h);

/**
 * Read raw bytes (frame headers included on a multiplexed connection),
 * waiting for at least one. Do not mix with dk_hijack_next_frame().
 * @param got out: bytes read; 0 at the end of the connection
 * @return 0, DK_ETRANSPORT, DK_ETIMEOUT (client's stream idle timeout),
 *         DK_ECANCELED after dk_hijack_cancel().
 */
DK_EXTERN(int) dk_hijack_read(dk_hijack *h, void *buf, size_t cap, size_t *got);

/**
 * The next piece of output with its stream id, as dk_stream_next_frame():
 * multiplexed connections are demultiplexed, raw (TTY) ones report
 * DK_STDOUT. @return 1 with a piece (borrowed until the next call), 0 at
 * the clean end, DK_EPROTO if the connection ended inside a frame, or an
 * error as dk_hijack_read().
 */
DK_EXTERN(int) dk_hijack_next_frame(dk_hijack *h, int *stream_id, const char **data, size_t *len);

/** DK_STREAM_MUX or DK_STREAM_RAW: how the output is framed. */
DK_EXTERN(int) dk_hijack_get_kind(const dk_hijack *h);

/** The socket's file descriptor, for poll()/select(); bytes that came with
 * the HTTP answer may already be buffered (dk_hijack_read() returns them
 * first). Owned by the connection. Over TLS it carries TLS records, not the
 * stream's bytes: never read or write it directly, and decrypted bytes may
 * be waiting even when it does not poll readable. */
DK_EXTERN(int) dk_hijack_fd(const dk_hijack *h);

/** Stop a read or write blocked in another thread (it returns
 * DK_ECANCELED); the connection must still be freed. */
DK_EXTERN(void) dk_hijack_cancel(dk_hijack *h);

/** Close and free the connection. Accepts NULL. */
DK_EXTERN(void) dk_hijack_free(dk_hijack *h);

/* --- export, stats, archives ------------------------------------------------- */

/**
 * GET /containers/{id}/export: the container's filesystem as a tar stream.
 * @op ContainerExport
 * @param out receives a DK_STREAM_RAW stream, owned by the caller; copy it
 *        with dk_stream_copy_fd() (bounded memory) or read it piecewise.
 */
DK_EXTERN(int) dk_container_export(dk_stream **out, dk_client *c, const char *id);

/**
 * GET /containers/{id}/stats?stream=1: a stream of JSON stats messages,
 * one per second, until the stream is canceled. @op ContainerStats
 * @param out receives a DK_STREAM_JSON stream, owned by the caller.
 */
DK_EXTERN(int) dk_container_stats(dk_stream **out, dk_client *c, const char *id);

/**
 * GET /containers/{id}/stats?stream=0: one stats sample. @op ContainerStats
 * @param one_shot 1: answer at once without the second sample needed for
 *        the CPU percentage (API >= 1.41), 0: wait for it, -1: the default.
 * @param out receives the JSON object, owned by the caller (dk_value_free()).
 */
DK_EXTERN(int) dk_container_stats_once(dk_value **out, dk_client *c, const char *id, int one_shot);

/**
 * GET /containers/{id}/archive: a file or directory as a tar stream.
 * @op ContainerArchive
 * @param path the path in the container
 * @param compressed 1 to let the engine compress the transfer (gzip or
 *        deflate; it is decoded on arrival, so the stream is the plain tar
 *        either way), 0 to ask for it uncompressed
 * @param out receives a DK_STREAM_RAW stream, owned by the caller; the path's
 *        stat is in its `X-Docker-Container-Path-Stat` header (see
 *        dk_container_archive_stat()).
 * @return 0, DK_ENOTFOUND (no such container or path), DK_EAPI.
 */
DK_EXTERN(int) dk_container_archive_get(dk_stream **out, dk_client *c, const char *id,
	const char *path, int compressed);

/**
 * The stat of the archived path, decoded from the stream's
 * `X-Docker-Container-Path-Stat` header ({"name", "size", "mode", "mtime",
 * "linkTarget"}).
 * @param out receives the JSON object, owned by the caller (dk_value_free()).
 * @return 0, DK_EPROTO if the header is missing or malformed.
 */
DK_EXTERN(int) dk_container_archive_stat(dk_value **out, const dk_stream *s);

/**
 * PUT /containers/{id}/archive: extract a tar archive, streamed from
 * `read` (never buffered whole), into directory `path` of the container.
 * @op PutContainerArchive
 * @param no_overwrite_dir_non_dir 1: refuse to replace a directory by a
 *        non-directory or the reverse; -1: the engine's default
 * @param copy_uid_gid 1: give the files the container user's uid/gid; -1
 *        default
 * @param read, userdata the body source (dk_read_fd with a pointer to an fd)
 * @return 0, DK_ENOTFOUND (container or path), DK_EAPI, DK_EUSER or the
 *         source's own error if `read` failed.
 */
DK_EXTERN(int) dk_container_archive_put(dk_client *c, const char *id, const char *path,
	int no_overwrite_dir_non_dir, int copy_uid_gid, dk_read_fn read, void *userdata);

DK_END_DECL

#endif
