/* Pull-style response streams on a curl multi handle.
 *
 * dk_stream_next() drives the transfer only until the parser has a message,
 * so memory stays bounded: when more than DK_STREAM_HIGHWATER bytes wait
 * unread behind a complete message, the write callback pauses the transfer
 * and the kernel's socket buffer holds the rest. */
#include "stream_int.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>

#include "clibdocker/errors.h"
#include "errors_int.h"
#include "jsonsplit_int.h"
#include "ssh_int.h"

#define DK_STREAM_HIGHWATER ((size_t)1 << 20)
#define DK_STREAM_MAX_MSG ((size_t)16 << 20)
#define DK_RAW_CHUNK ((size_t)256 << 10)

struct dk_stream {
	dk_call call;
	int kind;
	CURL *easy;
	CURLM *multi;
	char errbuf[CURL_ERROR_SIZE];
	atomic_int canceled;
	int headers_done;
	int done;          /* transfer finished */
	CURLcode result;
	int paused;
	int final_rc;      /* sticky outcome once reported */
	int64_t last_data_us;
	int progress;      /* the last perform delivered headers or data */
	uint64_t total_bytes;
	dkbuf trace_prefix; /* the first bytes, for the trace hook */

	dk_jsplit js;      /* DK_STREAM_JSON */
	dkbuf raw;         /* DK_STREAM_RAW: bytes not yet handed out */
	size_t raw_given;  /* bytes handed out at the front of raw */
};

static size_t pending(dk_stream *s)
{
	return s->kind == DK_STREAM_JSON ? dk_jsplit_pending(&s->js) : s->raw.len - s->raw_given;
}

static size_t stream_write(char *data, size_t size, size_t n, void *ud)
{
	dk_stream *s = ud;
	size_t len = size * n;

	if (s->call.status >= 300 || s->call.status < 200) {
		/* error answer: collect it whole (bounded) for the message */
		if (s->call.resp.len < 65536 && dkbuf_put(&s->call.resp, data, len))
			return 0;
		return len;
	}
	if (s->kind == DK_STREAM_JSON) {
		if (pending(s) >= DK_STREAM_HIGHWATER && dk_jsplit_has_message(&s->js)) {
			s->paused = 1;
			return CURL_WRITEFUNC_PAUSE;
		}
		if (dk_jsplit_feed(&s->js, data, len))
			return 0;
	} else {
		if (pending(s) >= DK_STREAM_HIGHWATER) {
			s->paused = 1;
			return CURL_WRITEFUNC_PAUSE;
		}
		if (s->raw_given) {
			dkbuf_consume(&s->raw, s->raw_given);
			s->raw_given = 0;
		}
		if (dkbuf_put(&s->raw, data, len))
			return 0;
	}
	if (s->call.trace && s->trace_prefix.len < s->call.trace_cap) {
		size_t room = s->call.trace_cap - s->trace_prefix.len;
		dkbuf_put(&s->trace_prefix, data, len < room ? len : room);
	}
	s->total_bytes += len;
	s->last_data_us = dk__now_us();
	s->progress = 1;
	return len;
}

static size_t stream_header(char *data, size_t size, size_t n, void *ud)
{
	dk_stream *s = ud;
	size_t len = size * n;

	if (len > 5 && !strncmp(data, "HTTP/", 5))
		curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, &s->call.status);
	if ((len == 2 && data[0] == '\r' && data[1] == '\n') || (len == 1 && data[0] == '\n')) {
		long st = 0;
		curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, &st);
		s->call.status = st;
		if (st >= 200)
			s->headers_done = 1;
		s->progress = 1;
	}
	return dk__header_cb(data, size, n, &s->call);
}

/* Run the transfer one step: wait up to `wait_ms` for activity. */
static int step(dk_stream *s, int wait_ms)
{
	int running = 0, left;
	CURLMcode mc;
	CURLMsg *m;

	/* resume once the consumer drained enough, or when nothing complete is
	 * left to hand out (a JSON message still arriving must be completed) */
	if (s->paused && (pending(s) < DK_STREAM_HIGHWATER / 2 ||
	    (s->kind == DK_STREAM_JSON && !dk_jsplit_has_message(&s->js)))) {
		s->paused = 0;
		curl_easy_pause(s->easy, CURLPAUSE_CONT);
	}
	s->progress = 0;
	mc = curl_multi_perform(s->multi, &running);
	if (mc != CURLM_OK)
		return dk__err(DK_ETRANSPORT, 0, 0, "stream: %s", curl_multi_strerror(mc));
	while ((m = curl_multi_info_read(s->multi, &left))) {
		if (m->msg == CURLMSG_DONE) {
			s->done = 1;
			s->result = m->data.result;
		}
	}
	if (s->done || !running || s->progress)
		return 0; /* something to look at: do not wait */
	if (atomic_load(&s->canceled))
		return 0;
	/* something to hand out already (or paused on a full buffer): do not
	 * wait for more socket activity first */
	if (s->paused || (s->kind == DK_STREAM_JSON ? dk_jsplit_has_message(&s->js) : pending(s) > 0))
		return 0;
	mc = curl_multi_poll(s->multi, NULL, 0, wait_ms, NULL);
	if (mc != CURLM_OK)
		return dk__err(DK_ETRANSPORT, 0, 0, "stream: %s", curl_multi_strerror(mc));
	return 0;
}

static int check_idle(dk_stream *s)
{
	long idle = s->call.c->idle_ms;

	if (idle > 0 && !s->paused && dk__now_us() - s->last_data_us > (int64_t)idle * 1000)
		return dk__err(DK_ETIMEOUT, 0, (int)CURLE_OPERATION_TIMEDOUT,
			"%s: no data from the engine for %ld ms", s->call.op, idle);
	return 0;
}

static int done_rc(dk_stream *s)
{
	if (s->result == CURLE_OK)
		return 0;
	if (dk__ssh_error(s->headers_done ? DK_ETRANSPORT : DK_ECONNECT, (int)s->result, s->errbuf, s->call.op))
		return dk_error_last()->code; /* an ssh child failed: its own words */
	if (s->result == CURLE_PARTIAL_FILE || s->result == CURLE_RECV_ERROR ||
	    s->result == CURLE_GOT_NOTHING)
		return dk__err(DK_ETRANSPORT, (int)s->call.status, (int)s->result,
			"%s: the connection to the engine was cut mid-stream: %s",
			s->call.op, *s->errbuf ? s->errbuf : curl_easy_strerror(s->result));
	return dk__curl_error(s->result, s->errbuf, s->call.op);
}

static void stream_destroy(dk_stream *s)
{
	if (s->multi) {
		if (s->easy)
			curl_multi_remove_handle(s->multi, s->easy);
		curl_multi_cleanup(s->multi);
	}
	if (s->easy) {
		curl_easy_cleanup(s->easy);
	}
	dk_jsplit_dispose(&s->js);
	dkbuf_dispose(&s->raw);
	dkbuf_dispose(&s->trace_prefix);
	dk__call_dispose(&s->call);
	free(s);
}

int dk__stream_open(dk_stream **out, dk_call *k, int kind)
{
	dk_stream *s;
	int rc = 0;

	*out = NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return dk__call_abort(k, dk__err(DK_ENOMEM, 0, 0, "out of memory"));
	s->call = *k;           /* take over the bookkeeping */
	memset(k, 0, sizeof(*k));
	s->kind = kind;
	dk_jsplit_init(&s->js, DK_STREAM_MAX_MSG);
	atomic_init(&s->canceled, 0);
	s->easy = curl_easy_init();
	s->multi = curl_multi_init();
	if (!s->easy || !s->multi) {
		stream_destroy(s);
		return dk__err(DK_ENOMEM, 0, 0, "out of memory (curl handles)");
	}
	dk__client_setup_easy(s->call.c, s->easy);
	curl_easy_setopt(s->easy, CURLOPT_ERRORBUFFER, s->errbuf);
	/* big raw payloads (image save, export): read in large pieces, so the
	 * engine refills the socket less often */
	if (kind == DK_STREAM_RAW)
		curl_easy_setopt(s->easy, CURLOPT_BUFFERSIZE, (long)DK_RAW_CHUNK);
	dk__call_setup_handle(&s->call, s->easy, 1);
	curl_easy_setopt(s->easy, CURLOPT_WRITEFUNCTION, stream_write);
	curl_easy_setopt(s->easy, CURLOPT_WRITEDATA, s);
	curl_easy_setopt(s->easy, CURLOPT_HEADERFUNCTION, stream_header);
	curl_easy_setopt(s->easy, CURLOPT_HEADERDATA, s);
	curl_multi_add_handle(s->multi, s->easy);
	s->call.start_us = s->last_data_us = dk__now_us();

	/* wait for the status line and headers (bounded by the connect and
	 * total timeouts, as for a plain call) */
	while (!s->headers_done && !s->done && !rc) {
		long total = s->call.total_ms >= 0 ? s->call.total_ms : s->call.c->total_ms;
		rc = step(s, 100);
		if (!rc && atomic_load(&s->canceled))
			rc = dk__err(DK_ECANCELED, 0, 0, "%s: canceled", s->call.op);
		if (!rc && total > 0 && dk__now_us() - s->call.start_us > (int64_t)total * 1000)
			rc = dk__err(DK_ETIMEOUT, 0, (int)CURLE_OPERATION_TIMEDOUT,
				"%s: no answer from the engine within %ld ms", s->call.op, total);
	}
	if (!rc && s->done && !s->headers_done)
		rc = done_rc(s);
	if (!rc && s->done && s->result == CURLE_OK && s->call.status == 0)
		rc = dk__err(DK_EPROTO, 0, 0, "%s: no HTTP answer", s->call.op);
	if (!rc && (s->call.status >= 300 || s->call.status < 200)) {
		/* read the (short) error body, then report it */
		while (!s->done && !rc)
			rc = step(s, 100);
		if (!rc)
			rc = dk__call_status_error(&s->call);
	}
	if (rc) {
		s->call.end_us = dk__now_us();
		if (s->call.trace) {
			dk_error saved = *dk_error_last();
			char msg[4096];
			size_t ml = strlen(saved.message);
			if (ml >= sizeof(msg))
				ml = sizeof(msg) - 1;
			memcpy(msg, saved.message, ml);
			msg[ml] = '\0';
			dk__call_trace(&s->call, rc, s->call.resp.ptr, s->call.resp.len, s->call.resp.len, 1);
			dk__err_msg(saved.code, saved.http_status, saved.curl_code, msg, ml);
		}
		stream_destroy(s);
		return rc;
	}
	*out = s;
	return 0;
}

int dk_stream_next(dk_stream *s, const char **data, size_t *len)
{
	int rc;

	if (!s || !data || !len)
		return dk__err(DK_EINVAL, 0, 0, "dk_stream_next: NULL argument");
	if (s->final_rc <= 0 && s->final_rc != 0)
		return dk__err(s->final_rc, (int)s->call.status, 0, "%s: the stream already failed", s->call.op);
	for (;;) {
		if (atomic_load(&s->canceled)) {
			s->final_rc = DK_ECANCELED;
			return dk__err(DK_ECANCELED, 0, 0, "%s: stream canceled", s->call.op);
		}
		if (s->kind == DK_STREAM_JSON) {
			rc = dk_jsplit_next(&s->js, data, len);
			if (rc < 0)
				return s->final_rc = rc;
			if (rc == 1)
				return 1;
		} else if (s->raw.len > s->raw_given) {
			size_t n = s->raw.len - s->raw_given;
			if (s->raw_given == 0 || 1) {
				/* hand out everything buffered in one piece */
				dkbuf_consume(&s->raw, s->raw_given);
				s->raw_given = 0;
				*data = s->raw.ptr;
				*len = n;
				s->raw_given = n;
				return 1;
			}
		}
		if (s->done) {
			rc = done_rc(s);
			if (!rc && s->kind == DK_STREAM_JSON)
				rc = dk_jsplit_finish(&s->js);
			if (rc)
				return s->final_rc = rc;
			s->final_rc = 1; /* clean end, sticky */
			return 0;
		}
		rc = step(s, 1000);
		if (!rc)
			rc = check_idle(s);
		if (rc)
			return s->final_rc = rc;
	}
}

int dk_stream_foreach(dk_stream *s, dk_stream_cb cb, void *userdata)
{
	const char *d;
	size_t n;
	int rc;

	while ((rc = dk_stream_next(s, &d, &n)) == 1) {
		if (cb(d, n, userdata))
			return dk__err(DK_EUSER, 0, 0, "stream consumer stopped");
	}
	return rc;
}

int dk_stream_copy_fd(dk_stream *s, int fd, uint64_t *copied)
{
	const char *d;
	size_t n, off;
	ssize_t w;
	int rc;

	if (copied)
		*copied = 0;
	while ((rc = dk_stream_next(s, &d, &n)) == 1) {
		for (off = 0; off < n; off += (size_t)w) {
			do {
				w = write(fd, d + off, n - off);
			} while (w < 0 && errno == EINTR);
			if (w < 0)
				return dk__err(DK_EINVAL, 0, 0, "%s: writing to fd %d: %s",
					s->call.op, fd, strerror(errno));
		}
		if (copied)
			*copied += n;
	}
	return rc;
}

void dk_stream_cancel(dk_stream *s)
{
	if (!s)
		return;
	atomic_store(&s->canceled, 1);
	curl_multi_wakeup(s->multi);
}

int dk_stream_status(const dk_stream *s)
{
	return s ? (int)s->call.status : 0;
}

void dk_stream_free(dk_stream *s)
{
	if (!s)
		return;
	s->call.end_us = dk__now_us();
	if (s->call.trace) {
		int code = s->final_rc < 0 ? s->final_rc : 0;
		dk__call_trace(&s->call, code, s->trace_prefix.ptr, s->trace_prefix.len, s->total_bytes, 1);
	}
	stream_destroy(s);
}
