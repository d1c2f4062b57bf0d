/* Hijacked connections: attach and exec with stdin.
 *
 * We speak the HTTP/1.1 upgrade ourselves on a socket of our own (libcurl
 * would need CONNECT_ONLY and its own send/recv for the same result): send
 * the request with `Upgrade: tcp`, parse the answer's head with the sans-I/O
 * parser in httphead.c (bytes after the head are the stream's first bytes
 * and are kept), then the socket is a plain bidirectional pipe. */
#include "hijack_int.h"

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "clibdocker/errors.h"
#include "clibdocker/stream.h"
#include "clibdocker/system.h"
#include "errors_int.h"
#include "httphead_int.h"
#include "mux_int.h"
#include "stream_int.h"

#define DK_HIJACK_READ ((size_t)64 << 10)

struct dk_hijack {
	int fd;
	int kind;             /* DK_STREAM_MUX or DK_STREAM_RAW */
	long idle_ms;
	atomic_int canceled;
	int eof;
	dkbuf pre;            /* bytes that came with the head, not read yet */
	size_t pre_pos;
	dk_mux mux;
	int raw_given;        /* raw: rbuf was handed out */
	char *rbuf;           /* read buffer for next_frame */
	int final_rc;         /* 1 after the clean end, <0 after an error */
	char op[32];
	dk_client *c;         /* to tell a clean end from a dead engine */
};

static int connect_engine(dk_client *c, const char *op, int *fd_out)
{
	int fd = -1, rc;

	if (c->unix_path) {
		struct sockaddr_un sa;
		if (strlen(c->unix_path) >= sizeof(sa.sun_path))
			return dk__err(DK_EINVAL, 0, 0, "%s: socket path too long", op);
		memset(&sa, 0, sizeof(sa));
		sa.sun_family = AF_UNIX;
		memcpy(sa.sun_path, c->unix_path, strlen(c->unix_path) + 1);
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return dk__err(DK_ECONNECT, 0, 0, "%s: socket: %s", op, strerror(errno));
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
			rc = dk__err(DK_ECONNECT, 0, 0, "%s: cannot connect to the Docker engine at %s: %s",
				op, c->unix_path, strerror(errno));
			close(fd);
			return rc;
		}
	} else {
		/* base is "http://host[:port]" */
		char host[256], port[16] = "2375";
		const char *h = c->base + 7, *colon, *end;
		struct addrinfo hints, *res = NULL, *ai;
		size_t hl;

		if (*h == '[') {
			end = strchr(h, ']');
			if (!end)
				return dk__err(DK_EINVAL, 0, 0, "%s: bad host in %s", op, c->base);
			hl = (size_t)(end - h - 1);
			h++;
			colon = end[1] == ':' ? end + 1 : NULL;
		} else {
			colon = strrchr(h, ':');
			hl = colon ? (size_t)(colon - h) : strlen(h);
		}
		if (hl == 0 || hl >= sizeof(host))
			return dk__err(DK_EINVAL, 0, 0, "%s: bad host in %s", op, c->base);
		memcpy(host, h, hl);
		host[hl] = '\0';
		if (colon)
			snprintf(port, sizeof(port), "%s", colon + 1);
		memset(&hints, 0, sizeof(hints));
		hints.ai_socktype = SOCK_STREAM;
		rc = getaddrinfo(host, port, &hints, &res);
		if (rc)
			return dk__err(DK_ECONNECT, 0, 0, "%s: cannot resolve %s: %s", op, host, gai_strerror(rc));
		for (ai = res; ai; ai = ai->ai_next) {
			fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
			if (fd < 0)
				continue;
			if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
				break;
			close(fd);
			fd = -1;
		}
		freeaddrinfo(res);
		if (fd < 0)
			return dk__err(DK_ECONNECT, 0, 0, "%s: cannot connect to the Docker engine at %s:%s",
				op, host, port);
	}
	*fd_out = fd;
	return 0;
}

static int send_all(int fd, const char *p, size_t n, const char *op)
{
	ssize_t w;

	while (n) {
		w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return dk__err(DK_ETRANSPORT, 0, 0, "%s: writing to the engine: %s", op, strerror(errno));
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Wait until fd is readable: 0, DK_ETIMEOUT, DK_ECANCELED, DK_ETRANSPORT. */
static int wait_readable(int fd, long ms, atomic_int *canceled, const char *op)
{
	struct pollfd pfd;
	int r;
	int64_t deadline = ms > 0 ? dk__now_us() + (int64_t)ms * 1000 : 0;

	for (;;) {
		int slice = 1000;
		if (canceled && atomic_load(canceled))
			return dk__err(DK_ECANCELED, 0, 0, "%s: canceled", op);
		if (deadline) {
			int64_t left = (deadline - dk__now_us()) / 1000;
			if (left <= 0)
				return dk__err(DK_ETIMEOUT, 0, 0, "%s: no data from the engine for %ld ms", op, ms);
			if (left < slice)
				slice = (int)left;
		}
		pfd.fd = fd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		r = poll(&pfd, 1, slice);
		if (r < 0 && errno != EINTR)
			return dk__err(DK_ETRANSPORT, 0, 0, "%s: poll: %s", op, strerror(errno));
		if (r > 0)
			return 0;
	}
}

static int resolve(dk_client *c, const dk_httphead *p, int kind)
{
	size_t n = 0;
	const char *ct = dk_httphead_header(p, "Content-Type", &n);
	static const char mux[] = "application/vnd.docker.multiplexed-stream";
	static const char raw[] = "application/vnd.docker.raw-stream";

	if (!(kind & DK__STREAM_AUTO))
		return kind;
	if (ct && n >= sizeof(mux) - 1 && !strncasecmp(ct, mux, sizeof(mux) - 1))
		return DK_STREAM_MUX;
	if (ct && n >= sizeof(raw) - 1 && !strncasecmp(ct, raw, sizeof(raw) - 1) && c->version_num >= 1042)
		return DK_STREAM_RAW;
	return kind & ~DK__STREAM_AUTO;
}

int dk__hijack_open(dk_hijack **out, dk_call *k, int kind)
{
	dk_client *c = k->c;
	dkbuf req = DKBUF_INIT;
	dk_httphead head;
	dk_hijack *h = NULL;
	const char *path = k->url.ptr + strlen(c->base);
	char buf[16384];
	long total = k->total_ms >= 0 ? k->total_ms : c->total_ms;
	int fd = -1, rc;
	ssize_t r;

	*out = NULL;
	dk_httphead_init(&head);
	k->start_us = dk__now_us();
	if (c->tls || c->ssh || strncmp(c->base, "http://", 7)) {
		rc = dk__err(DK_EUNSUPPORTED, 0, 0,
			"%s: writing to stdin (a hijacked connection) is not supported over %s yet; "
			"read the output with the non-hijacked call instead", k->op,
			c->ssh ? "ssh" : "TLS");
		goto fail;
	}
	if (dkbuf_printf(&req, "%s %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: clibdocker/%s\r\n"
		"Connection: Upgrade\r\nUpgrade: tcp\r\n",
		k->method, path, c->unix_path ? "docker" : c->base + 7, DK_VERSION) ||
	    (k->has_body && dkbuf_printf(&req, "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
		k->body_len)) ||
	    (!k->has_body && dkbuf_puts(&req, "Content-Length: 0\r\n\r\n")) ||
	    (k->has_body && dkbuf_put(&req, k->body, k->body_len))) {
		rc = dk__err(DK_ENOMEM, 0, 0, "out of memory");
		goto fail;
	}
	rc = connect_engine(c, k->op, &fd);
	if (rc)
		goto fail;
	rc = send_all(fd, req.ptr, req.len, k->op);
	if (rc)
		goto fail;
	/* the head; the connection stays ours, so read no more than arrives */
	for (;;) {
		rc = wait_readable(fd, total, NULL, k->op);
		if (rc)
			goto fail;
		r = recv(fd, buf, sizeof(buf), 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = dk__err(DK_ETRANSPORT, 0, 0, "%s: reading the engine's answer: %s", k->op, strerror(errno));
			goto fail;
		}
		if (r == 0) {
			rc = head.done ? 0 : dk__err(DK_ETRANSPORT, 0, 0,
				"%s: the engine closed the connection before answering", k->op);
			if (rc)
				goto fail;
			break;
		}
		rc = dk_httphead_feed(&head, buf, (size_t)r);
		if (rc < 0)
			goto fail;
		if (rc == 1) {
			rc = 0;
			if (head.status < 300)
				break;
			/* an error: read its (short) body, as much as it says */
			{
				size_t cl = 0, got = 0;
				const char *v = dk_httphead_header(&head, "Content-Length", &cl);
				unsigned long want = v ? strtoul(v, NULL, 10) : 65536;
				dk_httphead_rest(&head, &got);
				if (got >= want || got >= 65536)
					break;
			}
		}
	}
	k->status = head.status;
	k->end_us = dk__now_us();
	if (head.status >= 300 || head.status < 100) {
		size_t n = 0;
		const char *rest = dk_httphead_rest(&head, &n);
		dkbuf_put(&k->resp, rest ? rest : "", n);
		if (head.status < 200 || head.status >= 300) {
			rc = dk__call_status_error(k);
			goto fail;
		}
	}
	h = calloc(1, sizeof(*h));
	if (!h || !(h->rbuf = malloc(DK_HIJACK_READ))) {
		rc = dk__err(DK_ENOMEM, 0, 0, "out of memory");
		goto fail;
	}
	h->fd = fd;
	fd = -1;
	h->kind = resolve(c, &head, kind);
	h->idle_ms = c->idle_ms;
	h->c = c;
	atomic_init(&h->canceled, 0);
	snprintf(h->op, sizeof(h->op), "%s", k->op);
	dk_mux_init(&h->mux, 0);
	{
		size_t n = 0;
		const char *rest = dk_httphead_rest(&head, &n);
		if (n && dkbuf_put(&h->pre, rest, n)) {
			rc = dk__err(DK_ENOMEM, 0, 0, "out of memory");
			goto fail;
		}
	}
	dkbuf_dispose(&req);
	dk_httphead_dispose(&head);
	*out = h;
	return dk__call_finish(k, 0);
fail:
	if (h) {
		if (h->fd >= 0 && fd < 0)
			fd = h->fd;
		dkbuf_dispose(&h->pre);
		free(h->rbuf);
		free(h);
	}
	if (fd >= 0)
		close(fd);
	dkbuf_dispose(&req);
	dk_httphead_dispose(&head);
	return dk__call_finish(k, rc);
}

int dk_hijack_write(dk_hijack *h, const void *data, size_t len)
{
	if (!h || (!data && len))
		return dk__err(DK_EINVAL, 0, 0, "dk_hijack_write: NULL argument");
	if (atomic_load(&h->canceled))
		return dk__err(DK_ECANCELED, 0, 0, "%s: canceled", h->op);
	return send_all(h->fd, data, len, h->op);
}

int dk_hijack_close_write(dk_hijack *h)
{
	if (!h)
		return dk__err(DK_EINVAL, 0, 0, "dk_hijack_close_write: NULL argument");
	if (shutdown(h->fd, SHUT_WR) < 0 && errno != ENOTCONN)
		return dk__err(DK_ETRANSPORT, 0, 0, "%s: closing stdin: %s", h->op, strerror(errno));
	return 0;
}

int dk_hijack_read(dk_hijack *h, void *buf, size_t cap, size_t *got)
{
	ssize_t r;
	int rc;

	if (!h || !buf || !got)
		return dk__err(DK_EINVAL, 0, 0, "dk_hijack_read: NULL argument");
	*got = 0;
	if (h->pre.len > h->pre_pos) {
		size_t n = h->pre.len - h->pre_pos;
		if (n > cap)
			n = cap;
		memcpy(buf, h->pre.ptr + h->pre_pos, n);
		h->pre_pos += n;
		*got = n;
		return 0;
	}
	if (h->eof || cap == 0)
		return 0;
	for (;;) {
		rc = wait_readable(h->fd, h->idle_ms, &h->canceled, h->op);
		if (rc)
			return rc;
		r = recv(h->fd, buf, cap, 0);
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (atomic_load(&h->canceled))
			return dk__err(DK_ECANCELED, 0, 0, "%s: canceled", h->op);
		if (r < 0)
			return dk__err(DK_ETRANSPORT, 0, 0, "%s: reading from the engine: %s", h->op, strerror(errno));
		if (r == 0) {
			h->eof = 1;
			/* An attached container that exits and an engine that dies
			 * both close the socket: ask the engine which it was, so a
			 * cut connection is never reported as a clean end. */
			if (h->c && dk_system_ping(h->c) != 0)
				return dk__err(DK_ETRANSPORT, 0, 0,
					"%s: the connection was cut: the engine no longer answers", h->op);
		}
		*got = (size_t)r;
		return 0;
	}
}

int dk_hijack_next_frame(dk_hijack *h, int *stream_id, const char **data, size_t *len)
{
	size_t got;
	int rc, id = -1;

	if (!h || !data || !len)
		return dk__err(DK_EINVAL, 0, 0, "dk_hijack_next_frame: NULL argument");
	if (stream_id)
		*stream_id = -1;
	if (h->final_rc == 1)
		return 0;
	if (h->final_rc < 0)
		return dk__err(h->final_rc, 0, 0, "%s: the connection already failed", h->op);
	for (;;) {
		if (h->kind == DK_STREAM_MUX) {
			rc = dk_mux_next(&h->mux, &id, data, len);
			if (rc == 1 && id == DK_MUX_SYSERR) {
				size_t n = *len;
				while (n && ((*data)[n - 1] == '\n' || (*data)[n - 1] == '\r'))
					n--;
				rc = dk__err_msg(DK_ESTREAM, 0, 0, *data, n);
			}
			if (rc < 0)
				return h->final_rc = rc;
			if (rc == 1) {
				if (stream_id)
					*stream_id = id;
				return 1;
			}
		}
		rc = dk_hijack_read(h, h->rbuf, DK_HIJACK_READ, &got);
		if (rc < 0)
			return h->final_rc = rc;
		if (got == 0) {
			rc = h->kind == DK_STREAM_MUX ? dk_mux_finish(&h->mux) : 0;
			if (rc < 0)
				return h->final_rc = rc;
			h->final_rc = 1;
			return 0;
		}
		if (h->kind != DK_STREAM_MUX) {
			if (stream_id)
				*stream_id = DK_MUX_STDOUT;
			*data = h->rbuf;
			*len = got;
			return 1;
		}
		rc = dk_mux_feed(&h->mux, h->rbuf, got);
		if (rc < 0)
			return h->final_rc = rc;
	}
}

int dk_hijack_get_kind(const dk_hijack *h)
{
	return h ? h->kind : 0;
}

int dk_hijack_fd(const dk_hijack *h)
{
	return h ? h->fd : -1;
}

void dk_hijack_cancel(dk_hijack *h)
{
	if (!h)
		return;
	atomic_store(&h->canceled, 1);
	shutdown(h->fd, SHUT_RDWR);
}

void dk_hijack_free(dk_hijack *h)
{
	if (!h)
		return;
	close(h->fd);
	dkbuf_dispose(&h->pre);
	dk_mux_dispose(&h->mux);
	free(h->rbuf);
	free(h);
}
