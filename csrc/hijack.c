/* Hijacked connections: attach and exec with stdin.
 *
 * libcurl makes the connection (CURLOPT_CONNECT_ONLY on an easy handle set
 * up by dk__client_setup_easy() like every other: unix socket, TCP, TLS with
 * the client's certificates and verification, or the ssh child of an ssh://
 * client), then we speak the HTTP/1.1 upgrade ourselves over it: send the
 * request with `Upgrade: tcp`, parse the answer's head with the sans-I/O
 * parser in httphead.c (bytes after the head are the stream's first bytes
 * and are kept), and the connection is a bidirectional pipe.
 *
 * Plain connections (unix, tcp, and ssh, whose child's end is a socket too)
 * are read and written with recv()/send() on libcurl's socket. TLS ones go
 * through curl_easy_recv()/curl_easy_send(), which never block (libcurl
 * made the socket non-blocking): on CURLE_AGAIN we poll() the socket
 * without holding the lock that keeps one libcurl call at a time on the
 * handle, so one thread can read while another writes. Decrypted bytes may
 * wait inside the TLS layer while the socket shows nothing, so we always
 * try to read before polling. */
#include "hijack_int.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifdef DK_HAVE_OPENSSL
#include <openssl/bio.h>
#include <openssl/ssl.h>
#endif

#include "clibdocker/errors.h"
#include "clibdocker/stream.h"
#include "clibdocker/system.h"
#include "errors_int.h"
#include "httphead_int.h"
#include "loop_int.h"
#include "mux_int.h"
#include "stream_int.h"
#include "wsframe_int.h"

#define DK_HIJACK_READ ((size_t)64 << 10)
#define DK_WS_WRITE ((size_t)64 << 10) /* payload of one client frame at most */

struct dk_hijack {
	CURL *easy;           /* owns the connection */
	int fd;               /* libcurl's socket */
	int tls;              /* 1: I/O through libcurl */
	pthread_mutex_t io;   /* TLS: one libcurl call at a time */
	int kind;             /* DK_STREAM_MUX or DK_STREAM_RAW */
	long idle_ms;
	atomic_int canceled;
	atomic_int wr_closed; /* dk_hijack_close_write() was called */
	int eof;
	dkbuf pre;            /* bytes that came with the head, not read yet */
	size_t pre_pos;
	dk_mux mux;
	char *rbuf;           /* read buffer for next_frame */
	int final_rc;         /* 1 after the clean end, <0 after an error */
	char op[32];
	dk_client *c;         /* to tell a clean end from a dead engine */
	char errbuf[CURL_ERROR_SIZE]; /* libcurl's words for a failed call */

	/* WebSocket (attach/ws): frames both ways, see wsframe_int.h */
	int ws;
	dk_ws_parser wsp;
	unsigned char *win;   /* the engine's bytes, not parsed yet */
	size_t win_pos, win_len;
	unsigned char *wbuf;  /* one masked frame being sent */
	pthread_mutex_t wlock; /* whole frames: the writer and the reader's pongs */
	atomic_int ws_close_sent;
	int ws_closed;        /* the engine's close frame arrived */
};

/* --- the connection's I/O ------------------------------------------------- */

/* Wait for `events` on fd until the deadline (0: none): 0, DK_ETIMEOUT (after
 * `ms` without data), DK_ECANCELED, DK_ETRANSPORT. */
static int wait_fd(int fd, short events, int64_t deadline, long ms, atomic_int *canceled,
	const char *op)
{
	struct pollfd pfd;
	int r;

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
		pfd.events = events;
		pfd.revents = 0;
		r = poll(&pfd, 1, slice);
		if (r < 0 && errno != EINTR)
			return dk__err(DK_ETRANSPORT, 0, 0, "%s: poll: %s", op, strerror(errno));
		if (r > 0)
			return 0;
	}
}

/* Read what is there (at least one byte, waiting up to `ms` for it; 0: no
 * limit). *got 0 is the end of the connection. */
static int conn_recv(dk_hijack *h, void *buf, size_t cap, size_t *got, long ms)
{
	int64_t deadline = ms > 0 ? dk__now_us() + (int64_t)ms * 1000 : 0;
	int rc;

	*got = 0;
	for (;;) {
		if (atomic_load(&h->canceled))
			return dk__err(DK_ECANCELED, 0, 0, "%s: canceled", h->op);
		if (h->tls) {
			size_t n = 0;
			CURLcode cc;

			pthread_mutex_lock(&h->io);
			h->errbuf[0] = '\0';
			cc = curl_easy_recv(h->easy, buf, cap, &n);
			pthread_mutex_unlock(&h->io);
			if (cc == CURLE_OK) {
				*got = n;
				return 0;
			}
			if (cc != CURLE_AGAIN) {
				char b;

				if (atomic_load(&h->canceled))
					return dk__err(DK_ECANCELED, 0, 0, "%s: canceled", h->op);
				/* An orderly TCP end without a TLS close_notify is the end
				 * of the connection (Go's crypto/tls, the engine's, reads
				 * it the same); the caller's engine check still tells a
				 * dead engine apart. */
				if (recv(h->fd, &b, 1, MSG_PEEK | MSG_DONTWAIT) == 0)
					return 0;
				return dk__err(DK_ETRANSPORT, 0, (int)cc, "%s: reading from the engine: %s",
					h->op, h->errbuf[0] ? h->errbuf : curl_easy_strerror(cc));
			}
		} else {
			ssize_t r = recv(h->fd, buf, cap, 0);

			if (r >= 0) {
				if (atomic_load(&h->canceled))
					return dk__err(DK_ECANCELED, 0, 0, "%s: canceled", h->op);
				*got = (size_t)r;
				return 0;
			}
			if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK) {
				if (atomic_load(&h->canceled))
					return dk__err(DK_ECANCELED, 0, 0, "%s: canceled", h->op);
				return dk__err(DK_ETRANSPORT, 0, 0, "%s: reading from the engine: %s",
					h->op, strerror(errno));
			}
		}
		rc = wait_fd(h->fd, POLLIN, deadline, ms, &h->canceled, h->op);
		if (rc)
			return rc;
	}
}

/* curl_easy_send() may write to a socket the peer closed: keep SIGPIPE from
 * killing a program that did not ignore it (block it on this thread, and
 * take it back if the write raised it). */
static CURLcode tls_send(dk_hijack *h, const char *p, size_t n, size_t *sent)
{
	sigset_t pipe_set, old, pending;
	int was_pending;
	CURLcode cc;

	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
	sigpending(&pending);
	was_pending = sigismember(&pending, SIGPIPE);
	pthread_mutex_lock(&h->io);
	h->errbuf[0] = '\0';
	cc = curl_easy_send(h->easy, p, n, sent);
	pthread_mutex_unlock(&h->io);
	if (!was_pending) {
		struct timespec zero = {0, 0};
		sigpending(&pending);
		if (sigismember(&pending, SIGPIPE))
			while (sigtimedwait(&pipe_set, NULL, &zero) < 0 && errno == EINTR)
				;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return cc;
}

static int conn_send_all(dk_hijack *h, const char *p, size_t n)
{
	int rc;

	while (n) {
		if (atomic_load(&h->canceled))
			return dk__err(DK_ECANCELED, 0, 0, "%s: canceled", h->op);
		if (h->tls) {
			size_t w = 0;
			CURLcode cc = tls_send(h, p, n, &w);

			if (cc == CURLE_OK) {
				p += w;
				n -= w;
				continue;
			}
			if (cc != CURLE_AGAIN)
				return dk__err(DK_ETRANSPORT, 0, (int)cc, "%s: writing to the engine: %s",
					h->op, h->errbuf[0] ? h->errbuf : curl_easy_strerror(cc));
		} else {
			ssize_t w = send(h->fd, p, n, MSG_NOSIGNAL);

			if (w >= 0) {
				p += w;
				n -= (size_t)w;
				continue;
			}
			if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK)
				return dk__err(DK_ETRANSPORT, 0, 0, "%s: writing to the engine: %s",
					h->op, strerror(errno));
		}
		rc = wait_fd(h->fd, POLLOUT, 0, 0, &h->canceled, h->op);
		if (rc)
			return rc;
	}
	return 0;
}

/* Connect with libcurl (CONNECT_ONLY): h->easy, h->fd, h->tls. */
static int conn_open(dk_hijack *h, dk_call *k)
{
	dk_client *c = k->c;
	char errbuf[CURL_ERROR_SIZE];
	curl_socket_t s = CURL_SOCKET_BAD;
	CURLcode cc;

	h->easy = curl_easy_init();
	if (!h->easy)
		return dk__err(DK_ENOMEM, 0, 0, "out of memory (curl handle)");
	dk__client_setup_easy(c, h->easy);
	errbuf[0] = '\0';
	curl_easy_setopt(h->easy, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h->easy, CURLOPT_URL, k->url.ptr);
	curl_easy_setopt(h->easy, CURLOPT_CONNECT_ONLY, 1L);
	curl_easy_setopt(h->easy, CURLOPT_CONNECTTIMEOUT_MS, c->connect_ms);
	cc = curl_easy_perform(h->easy);
	if (cc != CURLE_OK) {
		curl_easy_setopt(h->easy, CURLOPT_ERRORBUFFER, NULL);
		return dk__curl_error(k, h->easy, cc, errbuf);
	}
	h->errbuf[0] = '\0';
	curl_easy_setopt(h->easy, CURLOPT_ERRORBUFFER, h->errbuf);
	cc = curl_easy_getinfo(h->easy, CURLINFO_ACTIVESOCKET, &s);
	if (cc != CURLE_OK || s == CURL_SOCKET_BAD)
		return dk__err(DK_ETRANSPORT, 0, (int)cc, "%s: libcurl gave no connection", k->op);
	h->fd = (int)s;
	h->tls = c->tls;
	return 0;
}

/* --- opening ---------------------------------------------------------------- */

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

/* "host[:port]" of the base URL, or "docker" for a socket-like transport */
static const char *host_header(const dk_client *c)
{
	if (c->unix_path || c->ssh)
		return "docker";
	return c->base + (c->tls ? 8 : 7);
}

static void random_bytes(unsigned char *p, size_t n)
{
	static atomic_uint_fast64_t fallback;
	size_t got = 0;
	ssize_t r;

	while (got < n) {
		r = getrandom(p + got, n - got, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	if (got < n) {
		/* no getrandom(): the masks and the key only need to vary */
		uint64_t x = (uint64_t)dk__now_us() ^ (uint64_t)(uintptr_t)p ^
			atomic_fetch_add(&fallback, 0x9e3779b97f4a7c15ull);
		for (; got < n; got++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			p[got] = (unsigned char)x;
		}
	}
}

static int hijack_open(dk_hijack **out, dk_call *k, int kind, int ws, const char *upgrade,
	const char *more)
{
	dk_client *c = k->c;
	dkbuf req = DKBUF_INIT;
	dk_httphead head;
	dk_hijack *h = NULL;
	const char *path = k->url.ptr + strlen(c->base);
	char buf[16384];
	long total = k->total_ms >= 0 ? k->total_ms : c->total_ms;
	int rc;
	size_t r;
	char key[32] = "";
	char ua[64] = "";
	/* the client's own headers (dk_client_set_headers), User-Agent included */
	const char *extra = k->hdrs ? k->hdrs->raw : "";

	*out = NULL;
	if ((rc = dk__call_ready(k)))
		return dk__call_finish(k, rc); /* the body's version gates: nothing sent */
	if (dk__async_tl && !dk__async_blocking_ok())
		return dk__call_abort(k, dk__async_refuse(k)); /* not on an event loop */
	if (!k->hdrs || !k->hdrs->user_agent)
		snprintf(ua, sizeof(ua), "User-Agent: clibdocker/%s\r\n", DK_VERSION);
	dk_httphead_init(&head);
	k->start_us = dk__now_us();
	h = calloc(1, sizeof(*h));
	if (!h || !(h->rbuf = malloc(DK_HIJACK_READ))) {
		free(h);
		h = NULL;
		rc = dk__err(DK_ENOMEM, 0, 0, "out of memory");
		goto fail;
	}
	h->fd = -1;
	pthread_mutex_init(&h->io, NULL);
	pthread_mutex_init(&h->wlock, NULL);
	atomic_init(&h->ws_close_sent, 0);
	atomic_init(&h->canceled, 0);
	atomic_init(&h->wr_closed, 0);
	snprintf(h->op, sizeof(h->op), "%s", k->op);
	dk_mux_init(&h->mux, 0);
	if (ws) {
		unsigned char nonce[16];

		random_bytes(nonce, sizeof(nonce));
		dk_ws_base64(nonce, sizeof(nonce), key);
		dk_ws_parser_init(&h->wsp, DK_WS_MAX_FRAME);
		h->ws = 1;
		if (!(h->win = malloc(DK_HIJACK_READ)) || !(h->wbuf = malloc(DK_WS_WRITE + DK_WS_HEADER_MAX)) ||
		    dkbuf_printf(&req, "%s %s HTTP/1.1\r\nHost: %s\r\n%s%s"
			"Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
			"Sec-WebSocket-Key: %s\r\n\r\n", k->method, path, host_header(c), ua, extra, key)) {
			rc = dk__err(DK_ENOMEM, 0, 0, "out of memory");
			goto fail;
		}
	} else if (dkbuf_printf(&req, "%s %s HTTP/1.1\r\nHost: %s\r\n%s%s%s"
		"Connection: Upgrade\r\nUpgrade: %s\r\n",
		k->method, path, host_header(c), ua, extra, more ? more : "", upgrade ? upgrade : "tcp") ||
	    (k->has_body && dkbuf_printf(&req, "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
		k->body_len)) ||
	    (!k->has_body && dkbuf_puts(&req, "Content-Length: 0\r\n\r\n")) ||
	    (k->has_body && dkbuf_put(&req, k->body, k->body_len))) {
		rc = dk__err(DK_ENOMEM, 0, 0, "out of memory");
		goto fail;
	}
	rc = conn_open(h, k);
	if (rc)
		goto fail;
	rc = conn_send_all(h, req.ptr, req.len);
	if (rc)
		goto fail;
	/* the head; the connection stays ours, so read no more than arrives */
	for (;;) {
		rc = conn_recv(h, buf, sizeof(buf), &r, total);
		if (rc)
			goto fail;
		if (r == 0) {
			rc = head.done ? 0 : dk__err(DK_ETRANSPORT, 0, 0,
				"%s: the engine closed the connection before answering", k->op);
			if (rc)
				goto fail;
			break;
		}
		rc = dk_httphead_feed(&head, buf, r);
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
	if (ws) {
		/* RFC 6455 4.1: 101 with the accept value of our key, or fail */
		char want[29];
		size_t n = 0;
		const char *got = dk_httphead_header(&head, "Sec-WebSocket-Accept", &n);

		if (head.status != 101) {
			rc = dk__err(DK_EPROTO, head.status, 0,
				"%s: the engine answered HTTP %d instead of switching to WebSocket", k->op,
				head.status);
			goto fail;
		}
		dk_ws_accept(key, want);
		if (!got || n != strlen(want) || memcmp(got, want, n)) {
			rc = dk__err(DK_EPROTO, head.status, 0,
				"%s: the engine's Sec-WebSocket-Accept %s%.*s%s does not answer our key",
				k->op, got ? "'" : "(missing)", got ? (int)(n > 64 ? 64 : n) : 0, got ? got : "",
				got ? "'" : "");
			goto fail;
		}
		kind = DK_STREAM_RAW; /* the engine never multiplexes here */
	}
	if (upgrade && head.status != 101) {
		rc = dk__err(DK_EPROTO, (int)head.status, 0,
			"%s: the engine answered HTTP %d instead of switching to %s", k->op,
			(int)head.status, upgrade);
		goto fail;
	}
	h->kind = resolve(c, &head, kind);
	h->idle_ms = c->idle_ms;
	h->c = c;
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
	dk_hijack_free(h);
	dkbuf_dispose(&req);
	dk_httphead_dispose(&head);
	return dk__call_finish(k, rc);
}

int dk__hijack_open(dk_hijack **out, dk_call *k, int kind)
{
	return hijack_open(out, k, kind, 0, NULL, NULL);
}

int dk__hijack_open_upgrade(dk_hijack **out, dk_call *k, const char *upgrade, const char *headers)
{
	return hijack_open(out, k, DK_STREAM_RAW, 0, upgrade, headers);
}

int dk__hijack_open_ws(dk_hijack **out, dk_call *k)
{
	return hijack_open(out, k, DK_STREAM_RAW, 1, NULL, NULL);
}

/* --- WebSocket frames ----------------------------------------------------------- */

/* Send one or more whole frames of `opcode` (data split into frames of at
 * most DK_WS_WRITE bytes; control frames are short). */
static int ws_send(dk_hijack *h, int opcode, const void *data, size_t len)
{
	const unsigned char *p = data;
	int rc = 0;

	pthread_mutex_lock(&h->wlock);
	do {
		unsigned char mask[4];
		size_t n = len > DK_WS_WRITE ? DK_WS_WRITE : len, hl;

		random_bytes(mask, sizeof(mask));
		hl = dk_ws_frame_header(h->wbuf, opcode, n, mask);
		if (n)
			memcpy(h->wbuf + hl, p, n);
		dk_ws_mask(h->wbuf + hl, n, mask, 0);
		rc = conn_send_all(h, (const char *)h->wbuf, hl + n);
		p += n;
		len -= n;
	} while (!rc && len);
	pthread_mutex_unlock(&h->wlock);
	return rc;
}

static int ws_close(dk_hijack *h, int code)
{
	unsigned char body[2];

	if (atomic_exchange(&h->ws_close_sent, 1))
		return 0;
	body[0] = (unsigned char)(code >> 8);
	body[1] = (unsigned char)code;
	return ws_send(h, DK_WS_CLOSE, body, 2);
}

/* Payload bytes of the engine's data frames; pings are answered, the close
 * frame is the end. */
static int ws_read(dk_hijack *h, void *buf, size_t cap, size_t *got)
{
	dk_ws_event ev;
	size_t used, n;
	int rc;

	for (;;) {
		if (h->ws_closed || h->eof || cap == 0)
			return 0;
		while (h->win_pos < h->win_len) {
			rc = dk_ws_parse(&h->wsp, h->win + h->win_pos, h->win_len - h->win_pos, cap, &used, &ev);
			h->win_pos += used;
			if (rc < 0)
				return rc;
			if (rc == 0)
				break;
			switch (ev.type) {
			case DK_WS_EV_DATA:
				memcpy(buf, ev.data, ev.len);
				*got = ev.len;
				return 0;
			case DK_WS_EV_PING:
				rc = ws_send(h, DK_WS_PONG, ev.data, ev.len);
				if (rc)
					return rc;
				break;
			case DK_WS_EV_CLOSE:
				h->ws_closed = 1;
				ws_close(h, ev.code == 1005 ? 1000 : ev.code); /* the answer; may fail */
				if (ev.code != 1000 && ev.code != 1001 && ev.code != 1005)
					return dk__err(DK_ESTREAM, 0, 0, "%s: the engine closed the WebSocket with code %d%s%.*s",
						h->op, ev.code, ev.len ? ": " : "", (int)(ev.len > 125 ? 125 : ev.len),
						(const char *)ev.data);
				return 0;
			default:
				break;
			}
		}
		h->win_pos = h->win_len = 0;
		if (h->pre.len > h->pre_pos) {
			n = h->pre.len - h->pre_pos;
			if (n > DK_HIJACK_READ)
				n = DK_HIJACK_READ;
			memcpy(h->win, h->pre.ptr + h->pre_pos, n);
			h->pre_pos += n;
			h->win_len = n;
			continue;
		}
		rc = conn_recv(h, h->win, DK_HIJACK_READ, &n, h->idle_ms);
		if (rc)
			return rc;
		if (n == 0) {
			h->eof = 1;
			if (dk_ws_parser_mid_frame(&h->wsp))
				return dk__err(DK_EPROTO, 0, 0,
					"%s: the connection ended inside a WebSocket frame", h->op);
			/* no close frame: a clean end only if the engine still answers */
			if (h->c && dk_system_ping(h->c) != 0)
				return dk__err(DK_ETRANSPORT, 0, 0,
					"%s: the connection was cut: the engine no longer answers", h->op);
			return 0;
		}
		h->win_len = n;
	}
}

/* --- the public calls --------------------------------------------------------- */

int dk_hijack_write(dk_hijack *h, const void *data, size_t len)
{
	if (!h || (!data && len))
		return dk__err(DK_EINVAL, 0, 0, "dk_hijack_write: NULL argument");
	if (h->ws) {
		if (atomic_load(&h->ws_close_sent))
			return dk__err(DK_ETRANSPORT, 0, 0, "%s: stdin is already closed", h->op);
		return len ? ws_send(h, DK_WS_BINARY, data, len) : 0;
	}
	return conn_send_all(h, data, len);
}

#ifdef DK_HAVE_OPENSSL
/* Send a TLS close_notify on libcurl's TLS session, keeping it readable:
 * 1 sent, 0 not possible here (not OpenSSL), <0 an error. libcurl's BIO
 * only works inside libcurl's own calls, so the alert goes out through a
 * socket BIO of ours swapped in for the write side, then libcurl's is put
 * back (SSL_set_bio() gave it two references: read and write side). */
static int tls_close_notify(dk_hijack *h)
{
	struct curl_tlssessioninfo *ti = NULL;
	SSL *ssl;
	BIO *theirs, *ours;
	int r, err, rc = 1, tries;

	if (curl_easy_getinfo(h->easy, CURLINFO_TLS_SSL_PTR, &ti) != CURLE_OK || !ti ||
	    ti->backend != CURLSSLBACKEND_OPENSSL || !ti->internals)
		return 0;
	ssl = ti->internals;
	pthread_mutex_lock(&h->io);
	theirs = SSL_get_wbio(ssl);
	ours = BIO_new_socket(h->fd, BIO_NOCLOSE);
	if (!theirs || !ours || !BIO_up_ref(theirs)) {
		pthread_mutex_unlock(&h->io);
		BIO_free(ours);
		return 0;
	}
	SSL_set0_wbio(ssl, ours);            /* drops one reference of theirs */
	for (tries = 0;; tries++) {
		r = SSL_shutdown(ssl);       /* 0: sent, the peer's not seen yet */
		if (r >= 0)
			break;
		err = SSL_get_error(ssl, r);
		if (err != SSL_ERROR_WANT_WRITE || tries >= 50) {
			rc = dk__err(DK_ETRANSPORT, 0, 0, "%s: closing stdin: the TLS close failed", h->op);
			break;
		}
		pthread_mutex_unlock(&h->io);
		r = wait_fd(h->fd, POLLOUT, dk__now_us() + 5000000, 5000, &h->canceled, h->op);
		pthread_mutex_lock(&h->io);
		if (r < 0) {
			rc = r;
			break;
		}
	}
	SSL_set0_wbio(ssl, theirs);          /* takes back the reference; frees ours */
	pthread_mutex_unlock(&h->io);
	return rc;
}
#endif

int dk_hijack_close_write(dk_hijack *h)
{
	if (!h)
		return dk__err(DK_EINVAL, 0, 0, "dk_hijack_close_write: NULL argument");
	if (h->ws)
		return ws_close(h, 1000); /* the engine reads it as the end of stdin */
	atomic_store(&h->wr_closed, 1);
#ifdef DK_HAVE_OPENSSL
	/* TLS: a close_notify, which the engine (Go's crypto/tls) and TLS
	 * terminators (socat) read as the end of our writing while the other
	 * direction stays open. */
	if (h->tls) {
		int rc = tls_close_notify(h);
		if (rc)
			return rc < 0 ? rc : 0;
	}
#endif
	/* Plain connections, and TLS without OpenSSL: a TCP half-close (under
	 * TLS, one without a close_notify: Go's crypto/tls reads it as the end
	 * at a record boundary, OpenSSL-based peers as an error). */
	if (shutdown(h->fd, SHUT_WR) < 0 && errno != ENOTCONN)
		return dk__err(DK_ETRANSPORT, 0, 0, "%s: closing stdin: %s", h->op, strerror(errno));
	return 0;
}

/* Bytes read past the answer's head come first: 1 if some were given. */
static int take_pre(dk_hijack *h, void *buf, size_t cap, size_t *got)
{
	size_t n = h->pre.len - h->pre_pos;

	if (h->pre.len <= h->pre_pos)
		return 0;
	if (n > cap)
		n = cap;
	memcpy(buf, h->pre.ptr + h->pre_pos, n);
	h->pre_pos += n;
	*got = n;
	return 1;
}

/* The connection closed. An attached container that exits and an engine
 * that dies both close it: ask the engine which it was, so a cut
 * connection is never reported as a clean end. */
static int at_end(dk_hijack *h)
{
	h->eof = 1;
	if (h->c && dk_system_ping(h->c) != 0)
		return dk__err(DK_ETRANSPORT, 0, 0,
			"%s: the connection was cut: the engine no longer answers", h->op);
	return 0;
}

int dk_hijack_read(dk_hijack *h, void *buf, size_t cap, size_t *got)
{
	int rc;

	if (!h || !buf || !got)
		return dk__err(DK_EINVAL, 0, 0, "dk_hijack_read: NULL argument");
	*got = 0;
	if (h->ws)
		return ws_read(h, buf, cap, got);
	if (take_pre(h, buf, cap, got))
		return 0;
	if (h->eof || cap == 0)
		return 0;
	rc = conn_recv(h, buf, cap, got, h->idle_ms);
	if (rc)
		return rc;
	return *got == 0 ? at_end(h) : 0;
}
int dk__hijack_read_timeout(dk_hijack *h, void *buf, size_t cap, size_t *got, long ms)
{
	long saved = h->idle_ms;
	int rc;

	h->idle_ms = ms;
	rc = dk_hijack_read(h, buf, cap, got);
	h->idle_ms = saved;
	return rc;
}

int dk_hijack_read_nowait(dk_hijack *h, void *buf, size_t cap, size_t *got)
{
	if (!h || !buf || !got)
		return dk__err(DK_EINVAL, 0, 0, "dk_hijack_read_nowait: NULL argument");
	*got = 0;
	if (h->ws)
		return dk__err(DK_EUNSUPPORTED, 0, 0,
			"%s: dk_hijack_read_nowait is for a plain hijacked connection", h->op);
	if (take_pre(h, buf, cap, got))
		return 0;
	if (h->eof || cap == 0)
		return 0;
	if (atomic_load(&h->canceled))
		return dk__err(DK_ECANCELED, 0, 0, "%s: canceled", h->op);
	if (h->tls) {
		/* TLS may hold decrypted bytes the socket no longer shows:
		 * libcurl's receive never waits, and says when nothing is there */
		size_t n = 0;
		CURLcode cc;

		pthread_mutex_lock(&h->io);
		cc = curl_easy_recv(h->easy, buf, cap, &n);
		pthread_mutex_unlock(&h->io);
		if (cc == CURLE_AGAIN)
			return DK_STREAM_AGAIN;
		if (cc != CURLE_OK)
			return dk_hijack_read(h, buf, cap, got); /* its error or end, worded once */
		*got = n;
	} else {
		ssize_t r = recv(h->fd, buf, cap, MSG_DONTWAIT);

		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
			return DK_STREAM_AGAIN;
		if (r < 0)
			return dk_hijack_read(h, buf, cap, got);
		*got = (size_t)r;
	}
	return *got == 0 ? at_end(h) : 0;
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
	if (h->fd >= 0)
		shutdown(h->fd, SHUT_RDWR);
}

void dk_hijack_free(dk_hijack *h)
{
	if (!h)
		return;
	if (h->easy)
		curl_easy_cleanup(h->easy); /* closes the socket (and reaps an ssh child) */
	pthread_mutex_destroy(&h->io);
	pthread_mutex_destroy(&h->wlock);
	free(h->win);
	free(h->wbuf);
	dkbuf_dispose(&h->pre);
	dk_mux_dispose(&h->mux);
	free(h->rbuf);
	free(h);
}
