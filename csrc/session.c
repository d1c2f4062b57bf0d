/* BuildKit sessions (include/clibdocker/session.h).
 *
 * POST /session is upgraded (Upgrade: h2c) on a connection of its own made
 * by the hijack code (so every transport works); then the roles reverse:
 * the engine is the HTTP/2 and gRPC client, we are the server. One thread
 * per session owns the connection and the nghttp2 server session: it reads
 * (blocking), feeds nghttp2, and writes whatever nghttp2 has to send. All
 * gRPC handlers run on that thread and never block on anything but local
 * files, so health checks are answered however busy the caller is.
 *
 * Streams (one gRPC call each): the request's headers give the method and
 * the metadata (dir-name, include/exclude patterns, follow paths); request
 * messages are reassembled by the gRPC framing reader (proto.c); responses
 * go through a data provider that produces messages on demand: for
 * FileSync/DiffCopy the fsutil sender (the stat walk of fsutil.c, then the
 * files the engine requests, then FIN), so memory stays at one directory
 * listing per level plus one 32 KiB chunk per stream, and nghttp2's flow
 * control paces the sending. Unary calls answer with one message and the
 * grpc-status trailer; unknown methods get a trailers-only Unimplemented. */
#include "clibdocker/session.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <poll.h>
#include <unistd.h>

#include <json-c/json.h>
#include <nghttp2/nghttp2.h>

#include "clibdocker/auth.h"
#include "clibdocker/container_io.h"
#include "clibdocker/value.h"
#include "clibdocker/errors.h"
#include "client_int.h"
#include "errors_int.h"
#include "fsutil_int.h"
#include "hijack_int.h"
#include "proto_int.h"
#include "sha256_int.h"
#include "session_int.h"

#define NOMEM() dk__err(DK_ENOMEM, 0, 0, "out of memory")
#define DK_FS_CHUNK ((size_t)32 << 10)
#define DK_SESSION_READ ((size_t)64 << 10)

enum {
	M_UNKNOWN = 0,
	M_HEALTH,
	M_DIFFCOPY,
	M_CREDENTIALS,
	M_SECRET,
	M_FILESEND,
	M_SSH_CHECK,
	M_SSH_FORWARD
};

/* gRPC status codes we use */
#define GRPC_OK 0
#define GRPC_INVALID_ARGUMENT 3
#define GRPC_NOT_FOUND 5
#define GRPC_UNAVAILABLE 14
#define GRPC_UNIMPLEMENTED 12
#define GRPC_INTERNAL 13

typedef struct strv {
	char **v;
	size_t n, cap;
} strv;

typedef struct sdir {
	char *name, *path;
	char **excludes; /* NULL-terminated, or NULL */
} sdir;

typedef struct sssh {
	char *id;
	char *sock;
} sssh;

typedef struct ssecret {
	char *id;
	unsigned char *data;
	size_t len;
} ssecret;

typedef struct gstream {
	int32_t id;
	int method;
	dkbuf path;
	strv dir_name, includes, excludes, followpaths;
	unsigned encoded;    /* <key>-encoded: 1 seen (bits: dir-name, includes, excludes, followpaths) */
	dk_grpc_reader in;
	int in_ended;        /* END_STREAM from the engine */
	int dispatched;      /* a unary call was answered */
	dkbuf out;           /* framed messages not handed to nghttp2 yet */
	size_t out_pos;
	int responded;       /* response headers submitted */
	int out_done;        /* no more messages: trailers when out is drained */
	int status;
	char *message;
	/* DiffCopy sender */
	dk_fswalk *walk;
	int walk_done;
	uint32_t next_id;
	char **files;        /* disk path by Stat index (regular files), or NULL */
	size_t nfiles;
	uint32_t *reqs;      /* requested ids not served yet (FIFO) */
	size_t nreqs, req_pos, reqcap;
	int cur_fd;
	uint32_t cur_id;
	int fin_recv;
	int fin_sent;
	unsigned char *chunk;
	dk_fsrecv *recv;     /* FileSend to a directory */
	char *ssh_id;        /* ForwardAgent: buildkit.ssh.id, or NULL (default) */
	int agent_fd;        /* ForwardAgent: the agent's socket, or -1 */
	struct gstream *next;
} gstream;

struct dk_session {
	dk_client *c;
	char id[33];
	char *name, *shared_key;
	sdir *dirs;
	size_t ndirs;
	ssecret *secrets;
	size_t nsecrets;
	sssh *ssh;
	size_t nssh;
	int creds;           /* answer Credentials from the config */
	char *creds_config;
	json_object *auth;   /* dk_session_set_auth(), or NULL */
	char *out_dir;       /* FileSend: type=local into this directory */
	int out_fd;          /* FileSend: type=tar into this descriptor, or -1 */

	dk_hijack *h;
	nghttp2_session *ng;
	pthread_t thread;
	int started;
	atomic_int stop;
	gstream *streams;
	unsigned char *rbuf;

	int err;
	char errmsg[512];

	atomic_uint_fast64_t bytes_sent, bytes_received, file_bytes, stat_packets,
		files_requested, health_checks, calls, output_bytes;
	atomic_int closed;
};

/* --- small helpers ---------------------------------------------------------------- */

static int strv_push(strv *s, const char *p, size_t n)
{
	char *c;

	if (s->n + 2 > s->cap) {
		size_t nc = s->cap ? s->cap * 2 : 8;
		char **nv = realloc(s->v, nc * sizeof(*nv));
		if (!nv)
			return -1;
		s->v = nv;
		s->cap = nc;
	}
	if (!(c = malloc(n + 1)))
		return -1;
	memcpy(c, p, n);
	c[n] = '\0';
	s->v[s->n++] = c;
	s->v[s->n] = NULL;
	return 0;
}

static void strv_free(strv *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

static void random_hex(char *out, size_t nbytes)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char r[32];
	size_t got = 0, i;
	ssize_t n;

	if (nbytes > sizeof(r))
		nbytes = sizeof(r);
	while (got < nbytes) {
		n = getrandom(r + got, nbytes - got, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	for (; got < nbytes; got++)
		r[got] = (unsigned char)(dk__now_us() >> (got % 8 * 8)) ^ (unsigned char)rand();
	for (i = 0; i < nbytes; i++) {
		out[2 * i] = hex[r[i] >> 4];
		out[2 * i + 1] = hex[r[i] & 15];
	}
	out[2 * nbytes] = '\0';
}

/* --- the public set-up calls --------------------------------------------------- */

int dk_session_new(dk_session **out, dk_client *c, const char *name, const char *shared_key)
{
	dk_session *s;

	if (!out)
		return dk__err(DK_EINVAL, 0, 0, "dk_session_new: out is NULL");
	*out = NULL;
	if (!c)
		return dk__err(DK_EINVAL, 0, 0, "dk_session_new: no client");
	s = calloc(1, sizeof(*s));
	if (!s)
		return NOMEM();
	s->c = c;
	s->out_fd = -1;
	random_hex(s->id, 16);
	if ((name && !(s->name = strdup(name))) || (shared_key && !(s->shared_key = strdup(shared_key)))) {
		dk_session_close(s);
		return NOMEM();
	}
	*out = s;
	return 0;
}

int dk_session_add_dir(dk_session *s, const char *name, const char *path,
	const char *const *excludes)
{
	struct stat st;
	sdir *nd, *d;
	size_t i, n = 0;

	if (!s || !name || !*name || !path || !*path)
		return dk__err(DK_EINVAL, 0, 0, "dk_session_add_dir: NULL or empty argument");
	if (s->h)
		return dk__err(DK_EINVAL, 0, 0, "dk_session_add_dir: the session is already open");
	if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode))
		return dk__err(DK_EINVAL, 0, 0, "Session: %s is not a directory", path);
	for (i = 0; i < s->ndirs; i++)
		if (!strcmp(s->dirs[i].name, name))
			return dk__err(DK_EINVAL, 0, 0, "Session: directory name '%s' given twice", name);
	nd = realloc(s->dirs, (s->ndirs + 1) * sizeof(*nd));
	if (!nd)
		return NOMEM();
	s->dirs = nd;
	d = &s->dirs[s->ndirs];
	memset(d, 0, sizeof(*d));
	for (i = 0; excludes && excludes[i]; i++)
		n++;
	if (!(d->name = strdup(name)) || !(d->path = strdup(path)) ||
	    (n && !(d->excludes = calloc(n + 1, sizeof(char *)))))
		goto nomem;
	for (i = 0; i < n; i++)
		if (!(d->excludes[i] = strdup(excludes[i])))
			goto nomem;
	if (n) {
		/* check the patterns now, not when the engine asks */
		dk_fswalk *w = NULL;
		dk_fswalk_options o = {NULL, (const char *const *)d->excludes, NULL, 0};
		int rc = dk_fswalk_new(&w, path, &o);
		dk_fswalk_free(w);
		if (rc) {
			s->ndirs++;
			return rc; /* freed with the session */
		}
	}
	s->ndirs++;
	return 0;
nomem:
	s->ndirs++;
	return NOMEM();
}

int dk_session_add_secret(dk_session *s, const char *id, const void *data, size_t len)
{
	ssecret *ns;
	size_t i;

	if (!s || !id || !*id || (!data && len))
		return dk__err(DK_EINVAL, 0, 0, "dk_session_add_secret: NULL or empty argument");
	if (s->h)
		return dk__err(DK_EINVAL, 0, 0, "dk_session_add_secret: the session is already open");
	for (i = 0; i < s->nsecrets; i++)
		if (!strcmp(s->secrets[i].id, id))
			return dk__err(DK_EINVAL, 0, 0, "Session: secret '%s' given twice", id);
	ns = realloc(s->secrets, (s->nsecrets + 1) * sizeof(*ns));
	if (!ns)
		return NOMEM();
	s->secrets = ns;
	ns = &s->secrets[s->nsecrets];
	memset(ns, 0, sizeof(*ns));
	if (!(ns->id = strdup(id)) || !(ns->data = malloc(len ? len : 1))) {
		free(ns->id);
		return NOMEM();
	}
	if (len)
		memcpy(ns->data, data, len);
	ns->len = len;
	s->nsecrets++;
	return 0;
}

int dk_session_add_ssh(dk_session *s, const char *id, const char *agent_socket)
{
	sssh *n;
	size_t i;

	if (!s || !agent_socket || !*agent_socket)
		return dk__err(DK_EINVAL, 0, 0, "dk_session_add_ssh: no agent socket");
	if (s->h)
		return dk__err(DK_EINVAL, 0, 0, "dk_session_add_ssh: the session is already open");
	if (!id || !*id)
		id = "default";
	for (i = 0; i < s->nssh; i++)
		if (!strcmp(s->ssh[i].id, id))
			return dk__err(DK_EINVAL, 0, 0, "Session: ssh id '%s' given twice", id);
	if (strlen(agent_socket) >= sizeof(((struct sockaddr_un *)0)->sun_path))
		return dk__err(DK_EINVAL, 0, 0, "Session: the agent socket path is too long");
	n = realloc(s->ssh, (s->nssh + 1) * sizeof(*n));
	if (!n)
		return NOMEM();
	s->ssh = n;
	n = &s->ssh[s->nssh];
	n->id = strdup(id);
	n->sock = strdup(agent_socket);
	if (!n->id || !n->sock) {
		free(n->id);
		free(n->sock);
		return NOMEM();
	}
	s->nssh++;
	return 0;
}

static const sssh *ssh_find(const dk_session *s, const char *id, size_t len)
{
	size_t i;

	if (!id || !len) {
		id = "default";
		len = 7;
	}
	for (i = 0; i < s->nssh; i++)
		if (strlen(s->ssh[i].id) == len && !memcmp(s->ssh[i].id, id, len))
			return &s->ssh[i];
	return NULL;
}

int dk_session_set_output(dk_session *s, const char *dir, int fd)
{
	if (!s || (!dir && fd < 0) || (dir && !*dir))
		return dk__err(DK_EINVAL, 0, 0, "dk_session_set_output: a directory or a descriptor is needed");
	if (s->h)
		return dk__err(DK_EINVAL, 0, 0, "dk_session_set_output: the session is already open");
	free(s->out_dir);
	s->out_dir = NULL;
	s->out_fd = -1;
	if (dir) {
		if (!(s->out_dir = strdup(dir)))
			return NOMEM();
	} else {
		s->out_fd = fd;
	}
	return 0;
}

int dk_session_set_auth(dk_session *s, const char *json)
{
	json_object *o;

	if (!s || !json)
		return dk__err(DK_EINVAL, 0, 0, "dk_session_set_auth: NULL argument");
	if (s->h)
		return dk__err(DK_EINVAL, 0, 0, "dk_session_set_auth: the session is already open");
	o = json_tokener_parse(json);
	if (!o || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return dk__err(DK_EINVAL, 0, 0, "Session: the registry credentials are not a JSON object");
	}
	json_object_put(s->auth);
	s->auth = o;
	return 0;
}

int dk_session_use_credentials(dk_session *s, const char *config_path)
{
	if (!s)
		return dk__err(DK_EINVAL, 0, 0, "dk_session_use_credentials: NULL session");
	if (s->h)
		return dk__err(DK_EINVAL, 0, 0, "dk_session_use_credentials: the session is already open");
	free(s->creds_config);
	s->creds_config = NULL;
	if (config_path && !(s->creds_config = strdup(config_path)))
		return NOMEM();
	s->creds = 1;
	return 0;
}

const char *dk_session_id(const dk_session *s)
{
	return s ? s->id : NULL;
}

void dk_session_get_stats(const dk_session *s, dk_session_stats *o)
{
	if (!o)
		return;
	memset(o, 0, sizeof(*o));
	if (!s)
		return;
	o->bytes_sent = atomic_load(&s->bytes_sent);
	o->bytes_received = atomic_load(&s->bytes_received);
	o->file_bytes = atomic_load(&s->file_bytes);
	o->stat_packets = atomic_load(&s->stat_packets);
	o->files_requested = atomic_load(&s->files_requested);
	o->health_checks = atomic_load(&s->health_checks);
	o->calls = atomic_load(&s->calls);
	o->output_bytes = atomic_load(&s->output_bytes);
	o->closed = atomic_load(&s->closed);
}

int dk_session_error(const dk_session *s, const char **msg)
{
	if (msg)
		*msg = "";
	if (!s || !atomic_load(&s->closed))
		return 0;
	if (msg)
		*msg = s->errmsg;
	return s->err;
}

/* --- gRPC streams ------------------------------------------------------------------ */

static gstream *stream_find(dk_session *s, int32_t id)
{
	gstream *g;

	for (g = s->streams; g; g = g->next)
		if (g->id == id)
			return g;
	return NULL;
}

static void stream_free(gstream *g)
{
	size_t i;

	if (!g)
		return;
	dkbuf_dispose(&g->path);
	strv_free(&g->dir_name);
	strv_free(&g->includes);
	strv_free(&g->excludes);
	strv_free(&g->followpaths);
	dk_grpc_reader_dispose(&g->in);
	dkbuf_dispose(&g->out);
	free(g->message);
	dk_fswalk_free(g->walk);
	for (i = 0; i < g->nfiles; i++)
		free(g->files[i]);
	free(g->files);
	free(g->reqs);
	if (g->cur_fd >= 0)
		close(g->cur_fd);
	free(g->chunk);
	dk_fsrecv_free(g->recv);
	free(g->ssh_id);
	if (g->agent_fd >= 0)
		close(g->agent_fd);
	free(g);
}

static void stream_remove(dk_session *s, int32_t id)
{
	gstream **pp, *g;

	for (pp = &s->streams; (g = *pp); pp = &g->next) {
		if (g->id == id) {
			*pp = g->next;
			stream_free(g);
			return;
		}
	}
}

/* Append one framed message: the protobuf in `msg`. */
static int put_message(gstream *g, const dkbuf *msg)
{
	int rc = dk_grpc_put_prefix(&g->out, msg->len);
	if (rc)
		return rc;
	return msg->len && dkbuf_put(&g->out, msg->ptr, msg->len) ? NOMEM() : 0;
}

static int put_packet(gstream *g, const dk_fs_packet *p)
{
	size_t n = dk_fs_packet_size(p);
	int rc = dk_grpc_put_prefix(&g->out, n);

	return rc ? rc : dk_fs_packet_encode(&g->out, p);
}

static void set_status(gstream *g, int status, const char *msg)
{
	g->status = status;
	free(g->message);
	g->message = msg ? strdup(msg) : NULL;
	g->out_done = 1;
}

/* percent-encode a grpc-message value (RFC: bytes outside 0x20-0x7e and '%') */
static char *grpc_message_encode(const char *m)
{
	dkbuf b = DKBUF_INIT;

	for (; *m; m++) {
		unsigned char c = (unsigned char)*m;
		if (c < 0x20 || c > 0x7e || c == '%') {
			if (dkbuf_printf(&b, "%%%02X", c))
				goto fail;
		} else if (dkbuf_putc(&b, (char)c)) {
			goto fail;
		}
	}
	if (!b.ptr && dkbuf_puts(&b, ""))
		return NULL;
	return dkbuf_detach(&b, NULL);
fail:
	dkbuf_dispose(&b);
	return NULL;
}

#define NV(n, v) {(uint8_t *)(n), (uint8_t *)(v), sizeof(n) - 1, strlen(v), NGHTTP2_NV_FLAG_NONE}

static int submit_trailer(dk_session *s, gstream *g)
{
	char st[16];
	char *enc = NULL;
	nghttp2_nv nv[2];
	size_t n = 1;
	int rc;

	snprintf(st, sizeof(st), "%d", g->status);
	nv[0] = (nghttp2_nv)NV("grpc-status", st);
	if (g->status && g->message && (enc = grpc_message_encode(g->message))) {
		nv[1] = (nghttp2_nv)NV("grpc-message", enc);
		n = 2;
	}
	rc = nghttp2_submit_trailer(s->ng, g->id, nv, n);
	free(enc);
	return rc;
}

/* DiffCopy: produce more packets into g->out. 1 made some, 0 nothing now. */
static int diffcopy_generate(dk_session *s, gstream *g, size_t want)
{
	size_t start = g->out.len;
	int rc;

	while (g->out.len - start < want && !g->out_done) {
		dk_fs_packet p;

		memset(&p, 0, sizeof(p));
		if (g->cur_fd >= 0) {
			ssize_t n = read(g->cur_fd, g->chunk, DK_FS_CHUNK);
			if (n < 0 && errno == EINTR)
				continue;
			p.type = DK_FS_DATA;
			p.id = g->cur_id;
			if (n > 0) {
				p.data = g->chunk;
				p.data_len = (size_t)n;
				atomic_fetch_add(&s->file_bytes, (uint64_t)n);
			} else {
				close(g->cur_fd); /* end (or a read error: the file ends here) */
				g->cur_fd = -1;
			}
			if ((rc = put_packet(g, &p)))
				return rc;
			continue;
		}
		if (g->req_pos < g->nreqs) {
			uint32_t id = g->reqs[g->req_pos++];
			const char *path = id < g->nfiles ? g->files[id] : NULL;
			if (!path) {
				char m[96];
				snprintf(m, sizeof(m), "invalid file id %u", id);
				p.type = DK_FS_ERR;
				p.data = (const unsigned char *)m;
				p.data_len = strlen(m);
				if ((rc = put_packet(g, &p)))
					return rc;
				set_status(g, GRPC_INVALID_ARGUMENT, m);
				break;
			}
			atomic_fetch_add(&s->files_requested, 1);
			g->cur_id = id;
			g->cur_fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
			free(g->files[id]);
			g->files[id] = NULL;
			if (g->cur_fd < 0) {
				/* as fsutil: an unreadable file ends at once */
				p.type = DK_FS_DATA;
				p.id = id;
				if ((rc = put_packet(g, &p)))
					return rc;
			}
			continue;
		}
		if (!g->walk_done) {
			const char *disk = NULL;
			rc = dk_fswalk_next(g->walk, &p.stat, &disk);
			if (rc < 0) {
				const dk_error *e = dk_error_last();
				const char *m = e && e->message ? e->message : "walk failed";
				p.type = DK_FS_ERR;
				p.data = (const unsigned char *)m;
				p.data_len = strlen(m);
				if (put_packet(g, &p))
					return NOMEM();
				set_status(g, GRPC_INTERNAL, m);
				break;
			}
			p.type = DK_FS_STAT;
			if (rc == 1) {
				p.has_stat = 1;
				if (!(p.stat.mode & DK_FS_MODE_TYPE)) {
					if (g->next_id >= g->nfiles) {
						size_t nn = g->nfiles ? g->nfiles * 2 : 256;
						char **nf;
						while (nn <= g->next_id)
							nn *= 2;
						nf = realloc(g->files, nn * sizeof(*nf));
						if (!nf)
							return NOMEM();
						memset(nf + g->nfiles, 0, (nn - g->nfiles) * sizeof(*nf));
						g->files = nf;
						g->nfiles = nn;
					}
					if (!(g->files[g->next_id] = strdup(disk)))
						return NOMEM();
				}
				g->next_id++;
			} else {
				g->walk_done = 1;
				dk_fswalk_free(g->walk);
				g->walk = NULL;
			}
			atomic_fetch_add(&s->stat_packets, 1);
			if ((rc = put_packet(g, &p)))
				return rc;
			continue;
		}
		if (g->fin_recv && !g->fin_sent) {
			p.type = DK_FS_FIN;
			if ((rc = put_packet(g, &p)))
				return rc;
			g->fin_sent = 1;
			set_status(g, GRPC_OK, NULL);
			break;
		}
		break; /* wait for the engine */
	}
	return g->out.len > start;
}

static ssize_t data_read_cb(nghttp2_session *ng, int32_t stream_id, uint8_t *buf, size_t length,
	uint32_t *flags, nghttp2_data_source *source, void *ud)
{
	dk_session *s = ud;
	gstream *g = stream_find(s, stream_id);
	size_t avail, n;

	(void)ng;
	(void)source;
	if (!g)
		return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
	if (g->out_pos == g->out.len) {
		dkbuf_clear(&g->out);
		g->out_pos = 0;
	}
	avail = g->out.len - g->out_pos;
	if (avail < length && g->method == M_DIFFCOPY && !g->out_done) {
		if (diffcopy_generate(s, g, length - avail) < 0)
			return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
		avail = g->out.len - g->out_pos;
	}
	n = avail < length ? avail : length;
	if (n) {
		memcpy(buf, g->out.ptr + g->out_pos, n);
		g->out_pos += n;
	}
	if (g->out_pos == g->out.len && g->out_done) {
		*flags |= NGHTTP2_DATA_FLAG_EOF | NGHTTP2_DATA_FLAG_NO_END_STREAM;
		if (submit_trailer(s, g) != 0)
			return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
		return (ssize_t)n;
	}
	if (!n)
		return NGHTTP2_ERR_DEFERRED;
	return (ssize_t)n;
}

static int respond(dk_session *s, gstream *g)
{
	nghttp2_nv nv[] = {NV(":status", "200"), NV("content-type", "application/grpc")};
	nghttp2_data_provider dp;

	if (g->responded)
		return 0;
	g->responded = 1;
	dp.source.ptr = g;
	dp.read_callback = data_read_cb;
	return nghttp2_submit_response(s->ng, g->id, nv, 2, &dp);
}

/* trailers-only answer (an error without messages) */
static int respond_status(dk_session *s, gstream *g, int status, const char *msg)
{
	char st[16];
	char *enc = msg ? grpc_message_encode(msg) : NULL;
	nghttp2_nv nv[4] = {NV(":status", "200"), NV("content-type", "application/grpc")};
	size_t n = 3;
	int rc;

	snprintf(st, sizeof(st), "%d", status);
	nv[2] = (nghttp2_nv)NV("grpc-status", st);
	if (enc)
		nv[n++] = (nghttp2_nv)NV("grpc-message", enc);
	g->responded = 1;
	g->out_done = 1;
	rc = nghttp2_submit_response(s->ng, g->id, nv, n, NULL);
	free(enc);
	return rc;
}

static const char *dir_of(dk_session *s, const char *name, sdir **d)
{
	size_t i;

	*d = NULL;
	for (i = 0; i < s->ndirs; i++)
		if (!strcmp(s->dirs[i].name, name)) {
			*d = &s->dirs[i];
			return s->dirs[i].path;
		}
	return NULL;
}

/* Go's url.QueryUnescape in place: %XX and '+' for a space; a malformed
 * escape is kept as it is. */
static void query_unescape(char *v)
{
	char *o = v;

	for (; *v; v++) {
		if (*v == '+') {
			*o++ = ' ';
		} else if (*v == '%' && v[1] && v[2] && strchr("0123456789abcdefABCDEF", v[1]) &&
			   strchr("0123456789abcdefABCDEF", v[2])) {
			char hx[3] = {v[1], v[2], 0};
			*o++ = (char)strtol(hx, NULL, 16);
			v += 2;
		} else {
			*o++ = *v;
		}
	}
	*o = '\0';
}

static void unescape_all(strv *sv)
{
	size_t i;

	for (i = 0; i < sv->n; i++)
		query_unescape(sv->v[i]);
}

static int start_diffcopy(dk_session *s, gstream *g)
{
	const char *name;
	sdir *d;
	const char *path;

	if (g->encoded & 1)
		unescape_all(&g->dir_name);
	if (g->encoded & 2)
		unescape_all(&g->includes);
	if (g->encoded & 4)
		unescape_all(&g->excludes);
	if (g->encoded & 8)
		unescape_all(&g->followpaths);
	name = g->dir_name.n ? g->dir_name.v[0] : "";
	path = dir_of(s, name, &d);
	dk_fswalk_options o;
	strv ex = {0};
	size_t i;
	int rc;

	if (!path) {
		char m[300];
		snprintf(m, sizeof(m), "no access allowed to dir \"%.200s\"", name);
		return respond_status(s, g, GRPC_NOT_FOUND, m);
	}
	for (i = 0; i < g->excludes.n; i++)
		if (strv_push(&ex, g->excludes.v[i], strlen(g->excludes.v[i])))
			goto nomem;
	for (i = 0; d->excludes && d->excludes[i]; i++)
		if (strv_push(&ex, d->excludes[i], strlen(d->excludes[i])))
			goto nomem;
	memset(&o, 0, sizeof(o));
	o.excludes = (const char *const *)ex.v;
	o.includes = (const char *const *)g->includes.v;
	o.followpaths = (const char *const *)g->followpaths.v;
	rc = dk_fswalk_new(&g->walk, path, &o);
	strv_free(&ex);
	if (rc) {
		const dk_error *e = dk_error_last();
		return respond_status(s, g, GRPC_INVALID_ARGUMENT, e && e->message ? e->message : "bad patterns");
	}
	if (!(g->chunk = malloc(DK_FS_CHUNK)))
		return NGHTTP2_ERR_CALLBACK_FAILURE;
	return respond(s, g);
nomem:
	strv_free(&ex);
	return NGHTTP2_ERR_CALLBACK_FAILURE;
}

static int on_diffcopy_message(dk_session *s, gstream *g, const unsigned char *m, size_t len)
{
	dk_fs_packet p;

	if (dk_fs_packet_decode(&p, m, len) < 0) {
		set_status(g, GRPC_INVALID_ARGUMENT, "malformed fsutil packet");
		return 0;
	}
	switch (p.type) {
	case DK_FS_REQ:
		if (g->nreqs == g->reqcap) {
			size_t nc = g->reqcap ? g->reqcap * 2 : 64;
			uint32_t *nr;
			if (g->req_pos) { /* drop the served ones first */
				memmove(g->reqs, g->reqs + g->req_pos, (g->nreqs - g->req_pos) * sizeof(*nr));
				g->nreqs -= g->req_pos;
				g->req_pos = 0;
			}
			if (g->nreqs == g->reqcap) {
				if (!(nr = realloc(g->reqs, nc * sizeof(*nr))))
					return NGHTTP2_ERR_CALLBACK_FAILURE;
				g->reqs = nr;
				g->reqcap = nc;
			}
		}
		g->reqs[g->nreqs++] = p.id;
		break;
	case DK_FS_FIN:
		g->fin_recv = 1;
		break;
	case DK_FS_ERR: {
		char msg[512];
		snprintf(msg, sizeof(msg), "error from receiver: %.*s",
			(int)(p.data_len > 400 ? 400 : p.data_len), (const char *)p.data);
		set_status(g, GRPC_INTERNAL, msg);
		break;
	}
	default:
		break; /* STAT/DATA from the receiver: not ours to read */
	}
	if (g->responded)
		nghttp2_session_resume_data(s->ng, g->id);
	return 0;
}

static const char *jstr(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* The normalised registry name of a host or key ("docker.io" and
 * "registry-1.docker.io" are Docker Hub), into out. */
static void registry_name(const char *host, char *out, size_t cap)
{
	dk_value *v = NULL;

	if (!strcmp(host, "registry-1.docker.io") || !strcmp(host, "docker.io") ||
	    !strcmp(host, "index.docker.io"))
		host = "docker.io";
	if (dk_auth_registry_of(&v, host) == 0 && v)
		snprintf(out, cap, "%s", dk_value_body(v, NULL));
	else
		snprintf(out, cap, "%s", host);
	dk_value_free(v);
}

/* CredentialsResponse for a host: from the map of dk_session_set_auth(),
 * then the Docker config; an empty answer (anonymous) when none is known. */
static int credentials(dk_session *s, const char *host_p, size_t host_len, dkbuf *reply)
{
	char host[512], want[512], key[512];
	const char *user = NULL, *secret = NULL;
	dk_value *v = NULL;
	int rc;

	/* a registry host ("other:5000", "docker.io"), never an image name:
	 * as the first component of a reference it is read as a host */
	snprintf(host, sizeof(host), "%.*s/x", (int)(host_len > 500 ? 500 : host_len), host_p);
	if (!strcmp(host, "registry-1.docker.io/x") || !strcmp(host, "index.docker.io/x"))
		snprintf(host, sizeof(host), "docker.io/x");
	registry_name(host, want, sizeof(want));
	if (s->auth) {
		json_object_object_foreach(s->auth, k, val) {
			registry_name(k, key, sizeof(key));
			if (strcmp(key, want) || !json_object_is_type(val, json_type_object))
				continue;
			if ((secret = jstr(val, "identitytoken")) && *secret) {
				user = NULL;
			} else {
				user = jstr(val, "username");
				secret = jstr(val, "password");
			}
			break;
		}
	}
	if (!secret && s->creds && dk_auth_lookup(&v, s->creds_config, want) == 0 && v) {
		json_object *o = json_tokener_parse(dk_value_body(v, NULL));
		if (o) {
			const char *tok = jstr(o, "identitytoken");
			rc = tok && *tok ? dk_pb_credentials_response(reply, NULL, tok) :
				dk_pb_credentials_response(reply, jstr(o, "username"), jstr(o, "password"));
			json_object_put(o);
			dk_value_free(v);
			return rc;
		}
		dk_value_free(v);
	}
	return dk_pb_credentials_response(reply, user, secret);
}

/* Unary calls: answer once the request is complete. */
static int dispatch_unary(dk_session *s, gstream *g)
{
	const unsigned char *m = NULL, *arg;
	size_t len = 0, alen;
	dkbuf reply = DKBUF_INIT;
	int rc;

	if (g->dispatched)
		return 0;
	g->dispatched = 1;
	if (dk_grpc_reader_next(&g->in, &m, &len) < 0)
		return respond_status(s, g, GRPC_INTERNAL, "malformed gRPC message");
	switch (g->method) {
	case M_HEALTH:
		atomic_fetch_add(&s->health_checks, 1);
		if (dk_pb_health_serving(&reply))
			goto nomem;
		break;
	case M_SECRET: {
		size_t i;
		ssecret *sec = NULL;
		if (dk_pb_get_field1(m, len, &arg, &alen) < 0)
			return respond_status(s, g, GRPC_INVALID_ARGUMENT, "malformed GetSecretRequest");
		for (i = 0; i < s->nsecrets; i++)
			if (strlen(s->secrets[i].id) == alen && !memcmp(s->secrets[i].id, arg, alen))
				sec = &s->secrets[i];
		if (!sec) {
			char msg[300];
			snprintf(msg, sizeof(msg), "secret %.*s not found", (int)(alen > 200 ? 200 : alen),
				(const char *)arg);
			return respond_status(s, g, GRPC_NOT_FOUND, msg);
		}
		if (dk_pb_put_bytes_field(&reply, 1, sec->data, sec->len))
			goto nomem;
		break;
	}
	case M_SSH_CHECK:
		if (dk_pb_get_field1(m, len, &arg, &alen) < 0)
			return respond_status(s, g, GRPC_INVALID_ARGUMENT, "malformed CheckAgentRequest");
		if (!ssh_find(s, (const char *)arg, alen)) {
			char msg[300];
			snprintf(msg, sizeof(msg), "unset ssh forward key %.*s", (int)(alen > 200 ? 200 : alen),
				alen ? (const char *)arg : "default");
			return respond_status(s, g, GRPC_NOT_FOUND, msg);
		}
		break; /* an empty CheckAgentResponse */
	case M_CREDENTIALS:
		if (dk_pb_get_field1(m, len, &arg, &alen) < 0)
			return respond_status(s, g, GRPC_INVALID_ARGUMENT, "malformed CredentialsRequest");
		if (credentials(s, (const char *)arg, alen, &reply))
			goto nomem;
		break;
	default:
		return respond_status(s, g, GRPC_UNIMPLEMENTED, "unknown method");
	}
	if (put_message(g, &reply))
		goto nomem;
	dkbuf_dispose(&reply);
	g->status = GRPC_OK;
	g->out_done = 1;
	rc = respond(s, g);
	return rc;
nomem:
	dkbuf_dispose(&reply);
	return NGHTTP2_ERR_CALLBACK_FAILURE;
}

/* ForwardAgent: connect to the agent of the call's id and answer. */
static int start_forward(dk_session *s, gstream *g)
{
	const sssh *a = ssh_find(s, g->ssh_id, g->ssh_id ? strlen(g->ssh_id) : 0);
	struct sockaddr_un sa;
	int fd;

	if (!a) {
		char msg[300];
		snprintf(msg, sizeof(msg), "unset ssh forward key %.200s", g->ssh_id ? g->ssh_id : "default");
		return respond_status(s, g, GRPC_NOT_FOUND, msg);
	}
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", a->sock);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		char msg[400];
		snprintf(msg, sizeof(msg), "ssh forwarding: cannot connect to the agent %.200s: %s",
			a->sock, strerror(errno));
		if (fd >= 0)
			close(fd);
		return respond_status(s, g, GRPC_UNAVAILABLE, msg);
	}
	g->agent_fd = fd;
	return respond(s, g);
}

/* Move what the agents have to say into their streams (never waits).
 * Returns 1 if some ForwardAgent call is open. */
static int pump_agents(dk_session *s)
{
	gstream *g;
	int open = 0;

	for (g = s->streams; g; g = g->next) {
		unsigned char buf[16384];
		if (g->method != M_SSH_FORWARD || g->agent_fd < 0 || g->out_done)
			continue;
		open = 1;
		for (;;) {
			ssize_t n = recv(g->agent_fd, buf, sizeof(buf), MSG_DONTWAIT);
			dkbuf msg = DKBUF_INIT;
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
				break;
			if (n <= 0) { /* the agent ended the connection */
				close(g->agent_fd);
				g->agent_fd = -1;
				set_status(g, GRPC_OK, NULL);
				nghttp2_session_resume_data(s->ng, g->id);
				break;
			}
			if (dk_pb_put_bytes_field_always(&msg, 1, buf, (size_t)n) || put_message(g, &msg)) {
				dkbuf_dispose(&msg);
				set_status(g, GRPC_INTERNAL, "out of memory");
				break;
			}
			dkbuf_dispose(&msg);
			nghttp2_session_resume_data(s->ng, g->id);
		}
	}
	return open;
}

/* --- nghttp2 callbacks ----------------------------------------------------------- */

static int on_begin_headers(nghttp2_session *ng, const nghttp2_frame *f, void *ud)
{
	dk_session *s = ud;
	gstream *g;

	(void)ng;
	if (f->hd.type != NGHTTP2_HEADERS || f->headers.cat != NGHTTP2_HCAT_REQUEST)
		return 0;
	g = calloc(1, sizeof(*g));
	if (!g)
		return NGHTTP2_ERR_CALLBACK_FAILURE;
	g->id = f->hd.stream_id;
	g->cur_fd = -1;
	g->agent_fd = -1;
	dk_grpc_reader_init(&g->in, DK_GRPC_MAX_MSG);
	g->next = s->streams;
	s->streams = g;
	atomic_fetch_add(&s->calls, 1);
	return 0;
}

static int hname(const uint8_t *n, size_t nl, const char *want)
{
	return nl == strlen(want) && !memcmp(n, want, nl);
}

static int on_header(nghttp2_session *ng, const nghttp2_frame *f, const uint8_t *name, size_t nl,
	const uint8_t *value, size_t vl, uint8_t flags, void *ud)
{
	dk_session *s = ud;
	gstream *g;
	strv *dst = NULL;

	(void)ng;
	(void)flags;
	if (f->hd.type != NGHTTP2_HEADERS || f->headers.cat != NGHTTP2_HCAT_REQUEST)
		return 0;
	g = stream_find(s, f->hd.stream_id);
	if (!g)
		return 0;
	if (hname(name, nl, ":path")) {
		dkbuf_clear(&g->path);
		if (dkbuf_put(&g->path, (const char *)value, vl))
			return NGHTTP2_ERR_CALLBACK_FAILURE;
		return 0;
	}
	if (hname(name, nl, "buildkit.ssh.id")) {
		free(g->ssh_id);
		if (!(g->ssh_id = malloc(vl + 1)))
			return NGHTTP2_ERR_CALLBACK_FAILURE;
		memcpy(g->ssh_id, value, vl);
		g->ssh_id[vl] = '\0';
		return 0;
	}
	{
		/* buildkit >= 0.12 (dockerd 25+): URL-escaped values, flagged */
		static const char *const enc[] = {"dir-name-encoded", "include-patterns-encoded",
			"exclude-patterns-encoded", "followpaths-encoded"};
		size_t i;
		for (i = 0; i < 4; i++)
			if (hname(name, nl, enc[i])) {
				if (vl == 1 && value[0] == '1')
					g->encoded |= 1u << i;
				return 0;
			}
	}
	if (hname(name, nl, "dir-name"))
		dst = &g->dir_name;
	else if (hname(name, nl, "include-patterns"))
		dst = &g->includes;
	else if (hname(name, nl, "exclude-patterns"))
		dst = &g->excludes;
	else if (hname(name, nl, "followpaths"))
		dst = &g->followpaths;
	/* one header field per value (gRPC sends repeated metadata so); a
	 * pattern may hold a comma */
	if (dst && vl && strv_push(dst, (const char *)value, vl))
		return NGHTTP2_ERR_CALLBACK_FAILURE;
	return 0;
}

static int method_of(const dkbuf *path)
{
	static const struct {
		const char *path;
		int m;
	} map[] = {
		{"/grpc.health.v1.Health/Check", M_HEALTH},
		{"/moby.filesync.v1.FileSync/DiffCopy", M_DIFFCOPY},
		{"/moby.filesync.v1.Auth/Credentials", M_CREDENTIALS},
		{"/moby.buildkit.secrets.v1.Secrets/GetSecret", M_SECRET},
		{"/moby.filesync.v1.FileSend/DiffCopy", M_FILESEND},
		{"/moby.sshforward.v1.SSH/CheckAgent", M_SSH_CHECK},
		{"/moby.sshforward.v1.SSH/ForwardAgent", M_SSH_FORWARD},
	};
	size_t i;

	if (!path->ptr)
		return M_UNKNOWN;
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(path->ptr, map[i].path))
			return map[i].m;
	return M_UNKNOWN;
}

static int on_frame_recv(nghttp2_session *ng, const nghttp2_frame *f, void *ud)
{
	dk_session *s = ud;
	gstream *g = stream_find(s, f->hd.stream_id);

	(void)ng;
	if (!g)
		return 0;
	if (f->hd.type == NGHTTP2_HEADERS && f->headers.cat == NGHTTP2_HCAT_REQUEST) {
		g->method = method_of(&g->path);
		if (g->method == M_UNKNOWN ||
		    (g->method == M_CREDENTIALS && !s->creds && !s->auth) ||
		    (g->method == M_SECRET && !s->nsecrets) ||
		    (g->method == M_FILESEND && !s->out_dir && s->out_fd < 0) ||
		    ((g->method == M_SSH_CHECK || g->method == M_SSH_FORWARD) && !s->nssh)) {
			char msg[300];
			snprintf(msg, sizeof(msg), "unknown method %.200s", g->path.ptr ? g->path.ptr : "");
			return respond_status(s, g, GRPC_UNIMPLEMENTED, msg);
		}
		if (g->method == M_DIFFCOPY)
			return start_diffcopy(s, g);
		if (g->method == M_SSH_FORWARD)
			return start_forward(s, g);
		if (g->method == M_FILESEND) {
			if (s->out_dir && dk_fsrecv_new(&g->recv, s->out_dir) < 0) {
				const dk_error *e = dk_error_last();
				return respond_status(s, g, GRPC_INTERNAL, e && e->message ? e->message : "output");
			}
			return respond(s, g);
		}
	}
	if ((f->hd.type == NGHTTP2_HEADERS || f->hd.type == NGHTTP2_DATA) &&
	    (f->hd.flags & NGHTTP2_FLAG_END_STREAM)) {
		g->in_ended = 1;
		if (g->method == M_SSH_FORWARD && !g->out_done) {
			if (g->agent_fd >= 0)
				shutdown(g->agent_fd, SHUT_WR); /* the agent answers what it has, then ends */
			else
				set_status(g, GRPC_OK, NULL);
			nghttp2_session_resume_data(s->ng, g->id);
			return 0;
		}
		if (g->method == M_FILESEND && !g->out_done) {
			set_status(g, GRPC_OK, NULL);
			nghttp2_session_resume_data(s->ng, g->id);
			return 0;
		}
		if (!g->responded && g->method != M_DIFFCOPY)
			return dispatch_unary(s, g);
	}
	return 0;
}

static int on_filesend_message(dk_session *s, gstream *g, const unsigned char *m, size_t len);

static int on_data_chunk(nghttp2_session *ng, uint8_t flags, int32_t stream_id, const uint8_t *data,
	size_t len, void *ud)
{
	dk_session *s = ud;
	gstream *g = stream_find(s, stream_id);
	const unsigned char *m;
	size_t ml;
	int rc;

	(void)ng;
	(void)flags;
	if (!g || (g->responded && g->method != M_DIFFCOPY && g->method != M_FILESEND &&
	    g->method != M_SSH_FORWARD) || g->out_done)
		return 0;
	if (dk_grpc_reader_feed(&g->in, data, len))
		return NGHTTP2_ERR_CALLBACK_FAILURE;
	if (g->method == M_SSH_FORWARD) {
		while ((rc = dk_grpc_reader_next(&g->in, &m, &ml)) == 1) {
			const unsigned char *d;
			size_t n;
			if (dk_pb_get_field1(m, ml, &d, &n) < 0 || g->agent_fd < 0) {
				set_status(g, GRPC_INTERNAL, "ssh forwarding: malformed message");
				break;
			}
			while (n) { /* small agent requests: a blocking write */
				ssize_t w = send(g->agent_fd, d, n, MSG_NOSIGNAL);
				if (w < 0 && errno == EINTR)
					continue;
				if (w < 0) {
					set_status(g, GRPC_INTERNAL, "ssh forwarding: the agent went away");
					break;
				}
				d += w;
				n -= (size_t)w;
			}
		}
		if (rc < 0)
			set_status(g, GRPC_INTERNAL, "malformed gRPC message");
		nghttp2_session_resume_data(s->ng, g->id);
		return 0;
	}
	if (g->method == M_FILESEND) {
		while ((rc = dk_grpc_reader_next(&g->in, &m, &ml)) == 1)
			if (on_filesend_message(s, g, m, ml))
				break;
		if (rc < 0)
			set_status(g, GRPC_INTERNAL, "malformed gRPC message");
		nghttp2_session_resume_data(s->ng, g->id);
		return 0;
	}
	if (g->method != M_DIFFCOPY)
		return 0; /* unary: read at the end of the request */
	while ((rc = dk_grpc_reader_next(&g->in, &m, &ml)) == 1)
		if ((rc = on_diffcopy_message(s, g, m, ml)))
			return rc;
	if (rc < 0) {
		set_status(g, GRPC_INTERNAL, "malformed gRPC message");
		nghttp2_session_resume_data(s->ng, g->id);
	}
	return 0;
}

/* FileSend: a Packet for a directory output, a BytesMessage (tar bytes)
 * for a descriptor. 1 after an error (the call then ends with it). */
static int on_filesend_message(dk_session *s, gstream *g, const unsigned char *m, size_t len)
{
	if (g->recv) {
		dk_fs_packet p;
		uint64_t before = dk_fsrecv_bytes(g->recv);
		if (dk_fs_packet_decode(&p, m, len) < 0 || dk_fsrecv_packet(g->recv, &p, &g->out) < 0) {
			const dk_error *e = dk_error_last();
			set_status(g, GRPC_INTERNAL, e && e->message ? e->message : "output failed");
			return 1;
		}
		atomic_fetch_add(&s->output_bytes, dk_fsrecv_bytes(g->recv) - before);
		return 0;
	} else {
		const unsigned char *d;
		size_t n;
		if (dk_pb_get_field1(m, len, &d, &n) < 0) {
			set_status(g, GRPC_INVALID_ARGUMENT, "malformed BytesMessage");
			return 1;
		}
		while (n) {
			ssize_t w = write(s->out_fd, d, n);
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0) {
				char msg[160];
				snprintf(msg, sizeof(msg), "writing the build output: %s", strerror(errno));
				set_status(g, GRPC_INTERNAL, msg);
				return 1;
			}
			d += w;
			n -= (size_t)w;
			atomic_fetch_add(&s->output_bytes, (uint64_t)w);
		}
		return 0;
	}
}

static int on_stream_close(nghttp2_session *ng, int32_t stream_id, uint32_t error_code, void *ud)
{
	(void)ng;
	(void)error_code;
	stream_remove(ud, stream_id);
	return 0;
}

/* --- the serving thread --------------------------------------------------------- */

static void set_error(dk_session *s, int code, const char *msg)
{
	if (s->err)
		return;
	s->err = code;
	snprintf(s->errmsg, sizeof(s->errmsg), "%s", msg);
}

static int flush_out(dk_session *s)
{
	for (;;) {
		const uint8_t *data;
		ssize_t n = nghttp2_session_mem_send(s->ng, &data);
		int rc;

		if (n < 0) {
			char m[160];
			snprintf(m, sizeof(m), "Session: HTTP/2: %s", nghttp2_strerror((int)n));
			set_error(s, DK_EPROTO, m);
			return DK_EPROTO;
		}
		if (n == 0)
			return 0;
		rc = dk_hijack_write(s->h, data, (size_t)n);
		if (rc) {
			const dk_error *e = dk_error_last();
			set_error(s, rc, e && e->message ? e->message : "Session: write failed");
			return rc;
		}
		atomic_fetch_add(&s->bytes_sent, (uint64_t)n);
	}
}

static void *serve(void *arg)
{
	dk_session *s = arg;

	for (;;) {
		size_t got = 0;
		ssize_t used;
		int rc, agents = s->nssh ? pump_agents(s) : 0;

		if (flush_out(s))
			break;
		if (atomic_load(&s->stop))
			break;
		if (!nghttp2_session_want_read(s->ng) && !nghttp2_session_want_write(s->ng))
			break;
		/* with an agent connection open, wake up often to read it; else
		 * wait as long as the engine is silent (the client's stream idle
		 * timeout is for streams, not for a session the engine may leave
		 * quiet between health checks) */
		rc = dk__hijack_read_timeout(s->h, s->rbuf, DK_SESSION_READ, &got, agents ? 10 : 0);
		if (atomic_load(&s->stop))
			break;
		if (rc == DK_ETIMEOUT && agents)
			continue;
		if (rc) {
			const dk_error *e = dk_error_last();
			set_error(s, rc, e && e->message ? e->message : "Session: read failed");
			break;
		}
		if (got == 0)
			break; /* the engine closed the session */
		atomic_fetch_add(&s->bytes_received, (uint64_t)got);
		used = nghttp2_session_mem_recv(s->ng, s->rbuf, got);
		if (used < 0) {
			char m[160];
			snprintf(m, sizeof(m), "Session: HTTP/2: %s", nghttp2_strerror((int)used));
			set_error(s, DK_EPROTO, m);
			break;
		}
	}
	atomic_store(&s->closed, 1);
	return NULL;
}

int dk__session_is_open(const dk_session *s)
{
	return s && s->started && !atomic_load(&s->closed);
}

int dk__session_h2_start(dk_session *s)
{
	nghttp2_session_callbacks *cbs = NULL;
	nghttp2_settings_entry iv[] = {
		{NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, 1000},
		{NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, 1 << 20},
	};
	int rc;

	if (nghttp2_session_callbacks_new(&cbs))
		return DK_ENOMEM;
	nghttp2_session_callbacks_set_on_begin_headers_callback(cbs, on_begin_headers);
	nghttp2_session_callbacks_set_on_header_callback(cbs, on_header);
	nghttp2_session_callbacks_set_on_frame_recv_callback(cbs, on_frame_recv);
	nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cbs, on_data_chunk);
	nghttp2_session_callbacks_set_on_stream_close_callback(cbs, on_stream_close);
	rc = nghttp2_session_server_new(&s->ng, cbs, s);
	nghttp2_session_callbacks_del(cbs);
	if (rc)
		return DK_ENOMEM;
	if (nghttp2_submit_settings(s->ng, NGHTTP2_FLAG_NONE, iv, sizeof(iv) / sizeof(iv[0])) ||
	    nghttp2_session_set_local_window_size(s->ng, NGHTTP2_FLAG_NONE, 0, 1 << 24))
		return DK_ENOMEM;
	return 0;
}

int dk__session_mem(dk_session *s, const void *in, size_t n, dkbuf *out)
{
	ssize_t used;

	if (s->nssh)
		pump_agents(s);
	if (n) {
		used = nghttp2_session_mem_recv(s->ng, in, n);
		if (used < 0)
			return dk__err(DK_EPROTO, 0, 0, "Session: HTTP/2: %s", nghttp2_strerror((int)used));
	}
	for (;;) {
		const uint8_t *data;
		ssize_t k = nghttp2_session_mem_send(s->ng, &data);
		if (k < 0)
			return dk__err(DK_EPROTO, 0, 0, "Session: HTTP/2: %s", nghttp2_strerror((int)k));
		if (k == 0)
			return 0;
		if (out && dkbuf_put(out, (const char *)data, (size_t)k))
			return NOMEM();
	}
}

int dk_session_open(dk_session *s)
{
	dk_call k;
	dkbuf hdr = DKBUF_INIT;
	static const char *const methods[] = {
		"/grpc.health.v1.Health/Check",
		"/moby.filesync.v1.FileSync/DiffCopy",
		"/moby.filesync.v1.Auth/Credentials",
		"/moby.buildkit.secrets.v1.Secrets/GetSecret",
		"/moby.filesync.v1.FileSend/DiffCopy",
		"/moby.sshforward.v1.SSH/CheckAgent",
		"/moby.sshforward.v1.SSH/ForwardAgent",
	};
	char key[65];
	size_t i;
	int rc;

	if (!s)
		return dk__err(DK_EINVAL, 0, 0, "dk_session_open: NULL session");
	if (s->h)
		return dk__err(DK_EINVAL, 0, 0, "dk_session_open: already open");
	if (!s->shared_key) {
		dkbuf src = DKBUF_INIT;
		char cwd[4096];
		const char *d = s->ndirs ? s->dirs[0].path : "";
		if (d[0] != '/' && getcwd(cwd, sizeof(cwd)))
			dkbuf_printf(&src, "clibdocker:%s/%s", cwd, d);
		else
			dkbuf_printf(&src, "clibdocker:%s", d);
		dk__sha256_hex(src.ptr ? src.ptr : "", src.len, key);
		dkbuf_dispose(&src);
		if (!(s->shared_key = strdup(key)))
			return NOMEM();
	}
	if (dkbuf_printf(&hdr, "X-Docker-Expose-Session-Uuid: %s\r\nX-Docker-Expose-Session-Sharedkey: %s\r\n",
		s->id, s->shared_key))
		goto nomem;
	if (s->name && !strpbrk(s->name, "\r\n") && dkbuf_printf(&hdr, "X-Docker-Expose-Session-Name: %s\r\n", s->name))
		goto nomem;
	for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		if ((i == 2 && !s->creds && !s->auth) || (i == 3 && !s->nsecrets) ||
		    (i == 4 && !s->out_dir && s->out_fd < 0) || (i >= 5 && !s->nssh))
			continue;
		if (dkbuf_printf(&hdr, "X-Docker-Expose-Session-Grpc-Method: %s\r\n", methods[i]))
			goto nomem;
	}
	rc = dk__call_begin(&k, s->c, "POST", "Session", 1, "/session");
	if (rc) {
		dkbuf_dispose(&hdr);
		return rc;
	}
	rc = dk__hijack_open_upgrade(&s->h, &k, "h2c", hdr.ptr);
	dkbuf_dispose(&hdr);
	if (rc)
		return rc;
	if (!(s->rbuf = malloc(DK_SESSION_READ)) || dk__session_h2_start(s))
		goto nomem_h;
	atomic_init(&s->stop, 0);
	atomic_init(&s->closed, 0);
	if (pthread_create(&s->thread, NULL, serve, s)) {
		rc = dk__err(DK_ERROR, 0, 0, "Session: cannot start the serving thread");
		goto fail_h;
	}
	s->started = 1;
	return 0;
nomem:
	dkbuf_dispose(&hdr);
	return NOMEM();
nomem_h:
	rc = NOMEM();
fail_h:
	if (s->ng)
		nghttp2_session_del(s->ng);
	s->ng = NULL;
	dk_hijack_free(s->h);
	s->h = NULL;
	return rc;
}

void dk_session_close(dk_session *s)
{
	size_t i;

	if (!s)
		return;
	if (s->started) {
		atomic_store(&s->stop, 1);
		dk_hijack_cancel(s->h);
		pthread_join(s->thread, NULL);
	}
	while (s->streams) {
		gstream *g = s->streams;
		s->streams = g->next;
		stream_free(g);
	}
	if (s->ng)
		nghttp2_session_del(s->ng);
	dk_hijack_free(s->h);
	free(s->rbuf);
	for (i = 0; i < s->ndirs; i++) {
		size_t j;
		free(s->dirs[i].name);
		free(s->dirs[i].path);
		for (j = 0; s->dirs[i].excludes && s->dirs[i].excludes[j]; j++)
			free(s->dirs[i].excludes[j]);
		free(s->dirs[i].excludes);
	}
	free(s->dirs);
	for (i = 0; i < s->nsecrets; i++) {
		free(s->secrets[i].id);
		if (s->secrets[i].data)
			explicit_bzero(s->secrets[i].data, s->secrets[i].len);
		free(s->secrets[i].data);
	}
	free(s->secrets);
	for (i = 0; i < s->nssh; i++) {
		free(s->ssh[i].id);
		free(s->ssh[i].sock);
	}
	free(s->ssh);
	free(s->name);
	free(s->shared_key);
	free(s->creds_config);
	free(s->out_dir);
	json_object_put(s->auth);
	free(s);
}
