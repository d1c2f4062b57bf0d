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
#include <strings.h>
#include <errno.h>
#include <unistd.h>
#include <sys/socket.h>

#include "clibdocker/errors.h"
#include "errors_int.h"
#include "jsonsplit_int.h"
#include "mux_int.h"
#include "ssh_int.h"
#include "loop_int.h"

#define DK_STREAM_HIGHWATER ((size_t)1 << 20)
#define DK_STREAM_MAX_MSG ((size_t)16 << 20)
#define DK_RAW_CHUNK ((size_t)256 << 10)
#define DK_BATCH_MAX ((size_t)1 << 20)   /* bytes per dk_stream_next_batch() */
#define DK_BATCH_RUNS ((size_t)16384)    /* runs per dk_stream_next_batch() */
/* Non-blocking pulls: transfer steps (each a non-waiting perform) tried
 * while bytes keep arriving, before DK_STREAM_AGAIN. */
#define DK_NB_STEPS 64
/* A run reading a held stream replays what earlier runs read: beyond this
 * much, the rest of the call runs on a worker (DK_ASYNC_BLOCKING) rather
 * than replay more and more at each wait. */
#define DK_HELD_LOG_MAX ((size_t)1 << 20)
#define DK_CT_MUX "application/vnd.docker.multiplexed-stream"
#define DK_CT_RAW "application/vnd.docker.raw-stream"

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
	int kick;          /* brief polls left after an unpause */
	int final_rc;      /* sticky outcome once reported */
	int64_t last_data_us;
	int progress;      /* the last perform delivered headers or data */
	int nonblocking;   /* next/next_frame/next_batch return DK_STREAM_AGAIN */
	curl_socket_t sock; /* the transfer's socket (dk_stream_wait_info) */
	uint64_t total_bytes;
	dkbuf trace_prefix; /* the first bytes, for the trace hook */

	dk_jsplit js;      /* DK_STREAM_JSON */
	dkbuf raw;         /* DK_STREAM_RAW: bytes not yet handed out */
	size_t raw_given;  /* bytes handed out at the front of raw */
	dk_mux mux;        /* DK_STREAM_MUX */

	dkbuf batch;       /* dk_stream_next_batch(): payload bytes */
	dk_stream_run *runs;
	size_t nruns, runs_cap;
	char final_msg[512]; /* the message of the error in final_rc */

	/* On an event loop's multi handle (loop.c) instead of its own: the
	 * loop moves the bytes, pulls only take what is parsed. */
	int on_loop;
	dk_loop_node *lnode; /* NULL once the loop is gone */
	uint64_t loop_token; /* named in dk_loop_done() when there is news */
	int loop_notified;   /* named since the last pull */

	/* Held by an asynchronous call's record while its runs replay (loop.c):
	 * each run reads the stream from its start again, so what was handed
	 * out is logged; a run's pull with nothing new makes the run pending.
	 * Each run gets its own dk_stream (the state moves, dk__stream_rehand):
	 * the previous one becomes a husk that only its memory is. */
	int held;
	int released;        /* the caller freed it: parked for the next run */
	int husk;            /* the state moved to another dk_stream */
	struct dk_logmsg { int id; size_t off, len; } *log;
	size_t nlog, caplog, logpos;
	dkbuf logbuf;
};

/* Tell the loop's caller that the stream has news (once per pull). */
static void loop_news(dk_stream *s)
{
	if (s->lnode && s->loop_token && !s->loop_notified) {
		s->loop_notified = 1;
		dk__loop_notify(s->lnode, s->loop_token);
	}
}

/* Record the stream's sticky outcome (and the message, to repeat it). */
static int set_final(dk_stream *s, int rc)
{
	const char *m = dk_error_last()->message;
	size_t n = strlen(m);

	if (n >= sizeof(s->final_msg))
		n = sizeof(s->final_msg) - 1;
	memcpy(s->final_msg, m, n);
	s->final_msg[n] = '\0';
	s->final_rc = rc;
	return rc;
}

/* Repeat the sticky error. */
static int final_error(dk_stream *s)
{
	return dk__err_msg(s->final_rc, (int)s->call.status, 0, s->final_msg, strlen(s->final_msg));
}

static size_t pending(dk_stream *s)
{
	if (s->kind == DK_STREAM_JSON)
		return dk_jsplit_pending(&s->js);
	if (s->kind == DK_STREAM_MUX)
		return dk_mux_pending(&s->mux);
	return s->raw.len - s->raw_given;
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
	} else if (s->kind == DK_STREAM_MUX) {
		/* a full buffer always holds a deliverable piece: frames beyond
		 * the piece bound come out in pieces */
		if (pending(s) >= DK_STREAM_HIGHWATER) {
			s->paused = 1;
			return CURL_WRITEFUNC_PAUSE;
		}
		if (dk_mux_feed(&s->mux, data, len))
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
	if (s->on_loop)
		loop_news(s);
	return len;
}

/* Whether a message (or an error to report) is ready to be taken. */
static int ready(dk_stream *s)
{
	if (s->kind == DK_STREAM_JSON)
		return dk_jsplit_has_message(&s->js);
	if (s->kind == DK_STREAM_MUX)
		return dk_mux_ready(&s->mux);
	return pending(s) > 0;
}

static int header_is(dk_stream *s, const char *name, const char *value)
{
	size_t n = 0, vl = strlen(value);
	const char *v = dk__find_header(&s->call.resp_headers, name, &n);

	return v && n >= vl && !strncasecmp(v, value, vl);
}

/* An auto kind becomes MUX or RAW from the Content-Type the engine sends
 * (decisive from API 1.42: it names the multiplexed stream explicitly; older
 * engines call every stream raw), else the caller's fallback. */
static void resolve_kind(dk_stream *s)
{
	int fallback = s->kind & ~DK__STREAM_AUTO;

	if (header_is(s, "Content-Type", DK_CT_MUX))
		s->kind = DK_STREAM_MUX;
	else if (header_is(s, "Content-Type", DK_CT_RAW) && s->call.c->version_num >= 1042)
		s->kind = DK_STREAM_RAW;
	else
		s->kind = fallback;
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
		if (st >= 200 && st < 300 && (s->kind & DK__STREAM_AUTO))
			resolve_kind(s);
		s->progress = 1;
		if (s->on_loop && st >= 200 && st < 300)
			loop_news(s); /* open: an error status waits for its body (done) */
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
		s->kick = 50; /* at most 50 brief polls, then long ones again */
		curl_easy_pause(s->easy, CURLPAUSE_CONT);
	}
	if (s->on_loop)
		return 0; /* the event loop moves the bytes */
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
	if (s->done || !running || s->progress) {
		s->kick = 0;
		return 0; /* something to look at: do not wait */
	}
	if (atomic_load(&s->canceled))
		return 0;
	/* something to hand out already (or paused on a full buffer): do not
	 * wait for more socket activity first */
	if (s->paused || ready(s))
		return 0;
	if (wait_ms <= 0)
		return 0; /* non-blocking: the caller waits (dk_stream_wait_info) */
	/* Just after an unpause libcurl (7.88) may not watch the socket again
	 * until its next timeout, so data that is already waiting could stall
	 * a long poll: poll briefly until bytes flow again. */
	mc = curl_multi_poll(s->multi, NULL, 0, s->kick ? 2 : wait_ms, NULL);
	if (s->kick)
		s->kick--;
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
	return dk__curl_error(&s->call, s->easy, s->result, s->errbuf);
}

/* Opens the stream's connection (as libcurl would, or the ssh transport)
 * and notes its socket: libcurl does not tell it during a transfer. */
static curl_socket_t stream_open_socket(void *ud, curlsocktype purpose, struct curl_sockaddr *a)
{
	dk_stream *s = ud;
	curl_socket_t fd;

	if (s->call.c->ssh)
		fd = dk__ssh_open_socket(s->call.c->ssh, purpose, a);
	else
		fd = socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
	if (purpose == CURLSOCKTYPE_IPCXN)
		s->sock = fd;
	return fd;
}

static void stream_destroy(dk_stream *s)
{
	if (s->lnode) {
		dk__loop_detach(s->lnode); /* an unfinished transfer: connection closed */
		s->lnode = NULL;
	}
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
	dk_mux_dispose(&s->mux);
	dkbuf_dispose(&s->batch);
	free(s->runs);
	dkbuf_dispose(&s->trace_prefix);
	dk__call_dispose(&s->call);
	free(s->log);
	dkbuf_dispose(&s->logbuf);
	free(s);
}

/* A stream for call k (taken over: freed now on error), its easy handle set
 * up, on its own multi handle or (on_loop) for an event loop's. */
static int stream_new(dk_stream **out, dk_call *k, int kind, int on_loop)
{
	dk_stream *s;

	*out = NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return dk__call_abort(k, dk__err(DK_ENOMEM, 0, 0, "out of memory"));
	s->call = *k;           /* take over the bookkeeping */
	memset(k, 0, sizeof(*k));
	s->kind = kind;
	s->on_loop = on_loop;
	dk_jsplit_init(&s->js, DK_STREAM_MAX_MSG);
	dk_mux_init(&s->mux, 0);
	atomic_init(&s->canceled, 0);
	s->easy = curl_easy_init();
	if (!on_loop)
		s->multi = curl_multi_init();
	if (!s->easy || (!on_loop && !s->multi)) {
		stream_destroy(s);
		return dk__err(DK_ENOMEM, 0, 0, "out of memory (curl handles)");
	}
	dk__client_setup_easy(s->call.c, s->easy);
	s->sock = CURL_SOCKET_BAD;
	curl_easy_setopt(s->easy, CURLOPT_OPENSOCKETFUNCTION, stream_open_socket);
	curl_easy_setopt(s->easy, CURLOPT_OPENSOCKETDATA, s);
	curl_easy_setopt(s->easy, CURLOPT_ERRORBUFFER, s->errbuf);
	/* big raw payloads (image save, export) and container output: read in
	 * large pieces, so the engine refills the socket less often and fewer
	 * write callbacks run per megabyte */
	if ((kind & ~DK__STREAM_AUTO) != DK_STREAM_JSON)
		curl_easy_setopt(s->easy, CURLOPT_BUFFERSIZE, (long)DK_RAW_CHUNK);
	dk__call_setup_handle(&s->call, s->easy, 1);
	curl_easy_setopt(s->easy, CURLOPT_WRITEFUNCTION, stream_write);
	curl_easy_setopt(s->easy, CURLOPT_WRITEDATA, s);
	curl_easy_setopt(s->easy, CURLOPT_HEADERFUNCTION, stream_header);
	curl_easy_setopt(s->easy, CURLOPT_HEADERDATA, s);
	*out = s;
	return 0;
}

/* After the response's headers (or the end of the transfer): the stream,
 * or the error with the daemon's message (traced, the stream freed). */
static int stream_opened(dk_stream **out, dk_stream *s, int rc)
{
	if (!rc && s->done && !s->headers_done)
		rc = done_rc(s);
	if (!rc && s->done && s->result == CURLE_OK && s->call.status == 0)
		rc = dk__err(DK_EPROTO, 0, 0, "%s: no HTTP answer", s->call.op);
	if (!rc && (s->call.status >= 300 || s->call.status < 200)) {
		/* read the (short) error body, then report it (on a loop the
		 * caller hears of the stream only once it is over) */
		while (!s->done && !rc && !s->on_loop)
			rc = step(s, 100);
		if (!rc)
			rc = dk__call_status_error(&s->call);
	}
	if (rc) {
		s->call.end_us = dk__now_us();
		if (s->call.trace) {
			dk__err_saved saved;
			dk__err_save(&saved);
			dk__call_trace(&s->call, rc, s->call.resp.ptr, s->call.resp.len, s->call.resp.len, 1);
			dk__err_restore(&saved);
		}
		stream_destroy(s);
		return rc;
	}
	*out = s;
	return 0;
}

int dk__stream_open(dk_stream **out, dk_call *k, int kind)
{
	dk_stream *s;
	int rc = 0;

	*out = NULL;
	if ((rc = dk__call_ready(k)))
		return dk__call_abort(k, rc);
	if (dk__async_tl && !dk__async_blocking_ok())
		return dk__async_stream(out, k, kind); /* on the event loop (loop.c) */
	if (dk__async_tl)
		dk__async_stream_blocking(k);
	if ((rc = stream_new(&s, k, kind, 0)))
		return rc;
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
	return stream_opened(out, s, rc);
}

/* --- on an event loop (loop.c) ------------------------------------------------- */

int dk__stream_start(dk_stream **out, dk_call *k, int kind, dk_loop *L, uint64_t token)
{
	dk_stream *s;
	int rc;

	if ((rc = stream_new(&s, k, kind, 1)))
		return rc;
	s->loop_token = token;
	s->call.start_us = s->last_data_us = dk__now_us();
	s->lnode = dk__loop_attach(L, s, s->easy);
	if (!s->lnode) {
		stream_destroy(s);
		return dk__err(DK_ENOMEM, 0, 0, "out of memory (event loop)");
	}
	*out = s;
	dk__loop_kick(L);
	return 0;
}

int dk__stream_start_ready(const dk_stream *s)
{
	return s->done || (s->headers_done && s->call.status >= 200 && s->call.status < 300);
}

int dk__stream_start_finish(dk_stream **out, dk_stream *s)
{
	int rc = stream_opened(out, s, 0);

	if (rc == 0) {
		s->loop_token = 0; /* the stream's own, set by its reader */
		s->loop_notified = 0;
	}
	return rc;
}

void dk__stream_start_cancel(dk_stream *s)
{
	stream_destroy(s);
}

void dk__stream_hold(dk_stream *s, uint64_t token)
{
	s->held = 1;
	s->released = 0;
	s->logpos = 0;
	s->loop_token = token;
	s->loop_notified = 0;
}

dk_stream *dk__stream_rehand(dk_stream *s)
{
	dk_stream *t = malloc(sizeof(*t));

	if (!t)
		return NULL;
	*t = *s;
	/* what points at the state: libcurl's callbacks and the loop's node */
	curl_easy_setopt(t->easy, CURLOPT_ERRORBUFFER, t->errbuf);
	curl_easy_setopt(t->easy, CURLOPT_WRITEDATA, t);
	curl_easy_setopt(t->easy, CURLOPT_HEADERDATA, t);
	curl_easy_setopt(t->easy, CURLOPT_OPENSOCKETDATA, t);
	if (t->lnode)
		dk__loop_node_move(t->lnode, t);
	if (s->released)
		free(s);
	else
		s->husk = 1; /* its caller frees only its memory */
	t->released = 0;
	t->logpos = 0;
	t->loop_notified = 0;
	return t;
}

void dk__stream_unhold(dk_stream *s, int owned)
{
	if (owned && !s->released) {
		/* the caller's now: it reads on from where its run got */
		s->held = 0;
		free(s->log);
		s->log = NULL;
		s->nlog = s->caplog = s->logpos = 0;
		dkbuf_dispose(&s->logbuf);
		s->loop_token = 0;
		s->loop_notified = 0;
		return;
	}
	if (!s->released) {
		/* a caller may still hold this one: leave it a husk */
		dk_stream *t = dk__stream_rehand(s);

		if (!t)
			return; /* out of memory: leaked rather than freed twice */
		s = t;
	}
	s->held = 0;
	dk_stream_free(s);
}

void dk__stream_loop_done(dk_stream *s, int result)
{
	s->done = 1;
	s->result = (CURLcode)result;
	s->progress = 1;
	loop_news(s);
}

void dk__stream_loop_lost(dk_stream *s)
{
	s->lnode = NULL;
	if (!s->done) {
		s->done = 1;
		s->result = CURLE_ABORTED_BY_CALLBACK;
		snprintf(s->errbuf, sizeof(s->errbuf), "the event loop is gone");
	}
}

int dk_stream_set_loop_token(dk_stream *s, uint64_t token)
{
	if (!s || !s->on_loop)
		return dk__err(DK_EINVAL, 0, 0, "dk_stream_set_loop_token: not a stream on an event loop");
	s->loop_token = token;
	s->loop_notified = 0;
	return 0;
}

dk_loop *dk_stream_loop(const dk_stream *s)
{
	return s && s->lnode ? dk__loop_of(s->lnode) : NULL;
}

/* A message already parsed, without driving the transfer: 1 with one, 0
 * if none is ready yet, <0 on an error. */
static int take(dk_stream *s, int *id, const char **data, size_t *len)
{
	int rc;

	switch (s->kind) {
	case DK_STREAM_JSON:
		*id = 0;
		return dk_jsplit_next(&s->js, data, len);
	case DK_STREAM_MUX:
		rc = dk_mux_next(&s->mux, id, data, len);
		if (rc == 1 && *id == DK_MUX_SYSERR) {
			/* the engine's own error, sent inside the stream */
			size_t n = *len;
			while (n && ((*data)[n - 1] == '\n' || (*data)[n - 1] == '\r'))
				n--;
			return dk__err_msg(DK_ESTREAM, (int)s->call.status, 0, *data, n);
		}
		return rc;
	default:
		if (s->raw.len > s->raw_given) {
			/* hand out everything buffered in one piece */
			size_t n = s->raw.len - s->raw_given;
			dkbuf_consume(&s->raw, s->raw_given);
			*id = DK_MUX_STDOUT;
			*data = s->raw.ptr;
			*len = n;
			s->raw_given = n;
			return 1;
		}
		return 0;
	}
}

/* take() for a held stream: what earlier runs got first, again; what is
 * new is logged for the next run. */
static int take_logged(dk_stream *s, int *id, const char **data, size_t *len)
{
	struct dk_logmsg *m;
	int rc;

	if (!s->held)
		return take(s, id, data, len);
	if (s->logpos < s->nlog) {
		m = &s->log[s->logpos++];
		*id = m->id;
		*data = s->logbuf.ptr + m->off;
		*len = m->len;
		return 1;
	}
	rc = take(s, id, data, len);
	if (rc != 1)
		return rc;
	if (s->nlog == s->caplog) {
		size_t cap = s->caplog ? s->caplog * 2 : 32;
		struct dk_logmsg *l = realloc(s->log, cap * sizeof(*l));

		if (!l)
			return dk__err(DK_ENOMEM, 0, 0, "out of memory");
		s->log = l;
		s->caplog = cap;
	}
	m = &s->log[s->nlog];
	m->id = *id;
	m->off = s->logbuf.len;
	m->len = *len;
	if (dkbuf_put(&s->logbuf, *data, *len))
		return dk__err(DK_ENOMEM, 0, 0, "out of memory");
	s->nlog++;
	s->logpos = s->nlog;
	return 1;
}

/* At the end of the transfer: 0 for a clean end, else the error. */
static int end_rc(dk_stream *s)
{
	int rc = done_rc(s);

	if (!rc && s->kind == DK_STREAM_JSON)
		rc = dk_jsplit_finish(&s->js);
	if (!rc && s->kind == DK_STREAM_MUX)
		rc = dk_mux_finish(&s->mux);
	return rc;
}

/* Nothing to hand out: end the stream if the transfer is over, else run
 * it one step (waiting up to 1 s, or not at all in non-blocking mode).
 * 1: pull again; 0: the clean end (sticky); DK_STREAM_AGAIN; or the error
 * (sticky). `steps` counts the non-blocking steps of this pull. */
static int advance(dk_stream *s, int *steps)
{
	int rc;

	if (s->done) {
		rc = end_rc(s);
		if (rc)
			return set_final(s, rc);
		s->final_rc = 1;
		return 0;
	}
	if (s->on_loop) {
		rc = step(s, 0); /* resumes a paused transfer once drained */
		if (!rc)
			rc = check_idle(s);
		if (rc)
			return set_final(s, rc);
		if (ready(s) || s->done)
			return 1;
		if (s->nonblocking)
			return DK_STREAM_AGAIN; /* wait for dk_loop_done() to name it */
		if (dk__async_tl && s->held && s->logbuf.len <= DK_HELD_LOG_MAX)
			return dk__async_wait(); /* the run waits for the stream's news */
		if (dk__async_tl)
			return dk__async_refuse(&s->call); /* a synchronous reader: on a worker */
		return set_final(s, dk__err(DK_EUNSUPPORTED, 0, 0,
			"%s: a stream opened on an event loop is read without blocking "
			"(dk_stream_set_nonblocking)", s->call.op));
	}
	if (s->nonblocking && (*steps)++ >= DK_NB_STEPS)
		return DK_STREAM_AGAIN;
	rc = step(s, s->nonblocking ? 0 : 1000);
	if (!rc)
		rc = check_idle(s);
	if (rc)
		return set_final(s, rc);
	if (s->nonblocking && !s->progress && !s->done && !ready(s))
		return DK_STREAM_AGAIN; /* nothing arrived: wait for the socket */
	return 1;
}

static int next_any(dk_stream *s, int *id, const char **data, size_t *len)
{
	int rc, steps = 0;

	s->loop_notified = 0;
	if (s->held && s->logpos < s->nlog)
		return take_logged(s, id, data, len);
	if (s->final_rc < 0)
		return final_error(s);
	if (s->final_rc == 1)
		return 0;
	for (;;) {
		if (atomic_load(&s->canceled))
			return set_final(s, dk__err(DK_ECANCELED, 0, 0, "%s: stream canceled", s->call.op));
		rc = take_logged(s, id, data, len);
		if (rc < 0)
			return set_final(s, rc);
		if (rc == 1)
			return 1;
		rc = advance(s, &steps);
		if (rc != 1)
			return rc;
	}
}

int dk_stream_next(dk_stream *s, const char **data, size_t *len)
{
	int id;

	if (!s || !data || !len)
		return dk__err(DK_EINVAL, 0, 0, "dk_stream_next: NULL argument");
	return next_any(s, &id, data, len);
}

int dk_stream_next_frame(dk_stream *s, int *stream_id, const char **data, size_t *len)
{
	int id = 0, rc;

	if (!s || !data || !len)
		return dk__err(DK_EINVAL, 0, 0, "dk_stream_next_frame: NULL argument");
	rc = next_any(s, &id, data, len);
	if (stream_id)
		*stream_id = rc == 1 ? id : -1;
	return rc;
}

static int batch_add(dk_stream *s, int merge, int id, const char *d, size_t n)
{
	if (merge && s->nruns && s->runs[s->nruns - 1].stream_id == id) {
		s->runs[s->nruns - 1].len += n;
	} else {
		if (s->nruns == s->runs_cap) {
			size_t cap = s->runs_cap ? s->runs_cap * 2 : 64;
			dk_stream_run *r = realloc(s->runs, cap * sizeof(*r));
			if (!r)
				return dk__err(DK_ENOMEM, 0, 0, "out of memory");
			s->runs = r;
			s->runs_cap = cap;
		}
		s->runs[s->nruns].stream_id = id;
		s->runs[s->nruns].len = n;
		s->nruns++;
	}
	if (dkbuf_put(&s->batch, d, n))
		return dk__err(DK_ENOMEM, 0, 0, "out of memory");
	return 0;
}

int dk_stream_next_batch(dk_stream *s, int merge, const char **data, size_t *len,
	const dk_stream_run **runs, size_t *nruns)
{
	const char *d;
	size_t n;
	int id, rc, steps = 0;

	if (!s || !data || !len || !runs || !nruns)
		return dk__err(DK_EINVAL, 0, 0, "dk_stream_next_batch: NULL argument");
	dkbuf_clear(&s->batch);
	s->nruns = 0;
	*data = NULL;
	*len = 0;
	*runs = NULL;
	*nruns = 0;
	if (s->kind == DK_STREAM_JSON)
		merge = 0;
	s->loop_notified = 0;
	if (!(s->held && s->logpos < s->nlog)) {
		if (s->final_rc < 0)
			return final_error(s);
		if (s->final_rc == 1)
			return 0;
	}
	for (;;) {
		if (s->held && s->logpos < s->nlog) {
			rc = take_logged(s, &id, &d, &n);
			if (rc == 1 && !(rc = batch_add(s, merge, id, d, n)))
				continue;
			return set_final(s, rc);
		}
		if (atomic_load(&s->canceled)) {
			set_final(s, dk__err(DK_ECANCELED, 0, 0, "%s: stream canceled", s->call.op));
			if (s->nruns)
				break;
			return DK_ECANCELED;
		}
		rc = take_logged(s, &id, &d, &n);
		if (rc < 0) {
			set_final(s, rc);
			if (s->nruns)
				break; /* hand out what came before; the error comes next */
			return rc;
		}
		if (rc == 1) {
			if (s->kind == DK_STREAM_RAW && s->nruns == 0) {
				/* raw bytes: no copy, one run */
				rc = batch_add(s, 0, id, "", 0);
				if (rc)
					return set_final(s, rc);
				s->runs[0].len = n;
				*data = d;
				*len = n;
				*runs = s->runs;
				*nruns = 1;
				return 1;
			}
			rc = batch_add(s, merge, id, d, n);
			if (rc)
				return set_final(s, rc);
			if (s->batch.len >= DK_BATCH_MAX || s->nruns >= DK_BATCH_RUNS)
				break;
			continue;
		}
		if (s->nruns)
			break; /* never wait while holding data */
		rc = advance(s, &steps);
		if (rc != 1)
			return rc;
	}
	*data = s->batch.ptr ? s->batch.ptr : "";
	*len = s->batch.len;
	*runs = s->runs;
	*nruns = s->nruns;
	return 1;
}

int dk_stream_set_nonblocking(dk_stream *s, int on)
{
	if (!s)
		return dk__err(DK_EINVAL, 0, 0, "dk_stream_set_nonblocking: NULL stream");
	s->nonblocking = on ? 1 : 0;
	return 0;
}

int dk_stream_wait_info(dk_stream *s, int *fd, long *timeout_ms)
{
	curl_socket_t sock = s ? s->sock : CURL_SOCKET_BAD;
	long t = -1;

	if (!s || !fd || !timeout_ms)
		return dk__err(DK_EINVAL, 0, 0, "dk_stream_wait_info: NULL argument");
	*fd = -1;
	*timeout_ms = 0;
	/* something to hand out, an outcome to report, or a cancel: call again now */
	if (s->final_rc || s->done || ready(s) || s->paused || atomic_load(&s->canceled))
		return 0;
	if (!s->multi || curl_multi_timeout(s->multi, &t) != CURLM_OK)
		t = -1; /* on an event loop: wait for dk_loop_done() to name it */
	if (s->kick)
		t = t < 0 || t > 2 ? 2 : t;  /* just unpaused: see step() */
	if (s->call.c->idle_ms > 0) {
		int64_t left = (s->last_data_us + (int64_t)s->call.c->idle_ms * 1000 - dk__now_us()) / 1000;
		if (left < 0)
			left = 0;
		if (t < 0 || left < t)
			t = (long)left;
	}
	*fd = s->on_loop || sock == CURL_SOCKET_BAD ? -1 : (int)sock;
	*timeout_ms = t;
	return 0;
}

const char *dk_stream_header(const dk_stream *s, const char *name, size_t *len)
{
	size_t n = 0;
	const char *v;

	if (!s || !name)
		return NULL;
	v = dk__find_header(&s->call.resp_headers, name, &n);
	if (len)
		*len = v ? n : 0;
	return v;
}

int dk_stream_get_kind(const dk_stream *s)
{
	return s ? s->kind & ~DK__STREAM_AUTO : 0;
}

int dk_stream_foreach(dk_stream *s, dk_stream_cb cb, void *userdata)
{
	const char *d;
	size_t n;
	int rc;

	int nb;

	if (!s || !cb)
		return dk__err(DK_EINVAL, 0, 0, "dk_stream_foreach: NULL argument");
	if (s->on_loop && dk__async_tl)
		return dk__async_refuse(&s->call); /* a whole-stream consumer: on a worker */
	nb = s->nonblocking;
	s->nonblocking = 0; /* a whole-stream consumer waits */
	while ((rc = dk_stream_next(s, &d, &n)) == 1) {
		if (cb(d, n, userdata)) {
			rc = dk__err(DK_EUSER, 0, 0, "stream consumer stopped");
			break;
		}
	}
	s->nonblocking = nb;
	return rc;
}

int dk_stream_copy_fd(dk_stream *s, int fd, uint64_t *copied)
{
	const char *d;
	size_t n, off;
	ssize_t w;
	int rc;

	int nb;

	if (copied)
		*copied = 0;
	if (!s)
		return dk__err(DK_EINVAL, 0, 0, "dk_stream_copy_fd: NULL stream");
	if (s->on_loop && dk__async_tl)
		return dk__async_refuse(&s->call); /* a whole-stream consumer: on a worker */
	nb = s->nonblocking;
	s->nonblocking = 0; /* a whole-stream consumer waits */
	while ((rc = dk_stream_next(s, &d, &n)) == 1) {
		for (off = 0; off < n; off += (size_t)w) {
			do {
				w = write(fd, d + off, n - off);
			} while (w < 0 && errno == EINTR);
			if (w < 0) {
				s->nonblocking = nb;
				return dk__err(DK_EINVAL, 0, 0, "%s: writing to fd %d: %s",
					s->call.op, fd, strerror(errno));
			}
		}
		if (copied)
			*copied += n;
	}
	s->nonblocking = nb;
	return rc;
}

void dk_stream_cancel(dk_stream *s)
{
	if (!s)
		return;
	atomic_store(&s->canceled, 1);
	if (s->multi)
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
	if (s->husk) {
		free(s); /* its state lives on in another dk_stream */
		return;
	}
	if (s->held) {
		s->released = 1; /* parked: the call's next run reads it again */
		return;
	}
	s->call.end_us = dk__now_us();
	if (s->call.trace) {
		int code = s->final_rc < 0 ? s->final_rc : 0;
		dk__call_trace(&s->call, code, s->trace_prefix.ptr, s->trace_prefix.len, s->total_bytes, 1);
	}
	stream_destroy(s);
}
