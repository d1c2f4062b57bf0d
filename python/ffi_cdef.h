/* cffi cdef for clibdocker: hand-written, macro-free, mirroring
 * include/clibdocker/ header by header. Enum values are "...", so the
 * compiler fills them in and drift in the headers fails the build. */

/* common.h */
typedef struct dk_client dk_client;
typedef struct dk_value dk_value;
typedef struct dk_stream dk_stream;
typedef int64_t (*dk_read_fn)(void *userdata, char *buf, size_t len);
int64_t dk_read_fd(void *userdata, char *buf, size_t len);
const char *dk_version(void);

/* errors.h */
typedef enum {
	DK_OK = ...,
	DK_ERROR = ...,
	DK_EINVAL = ...,
	DK_ENOMEM = ...,
	DK_ECONNECT = ...,
	DK_ETRANSPORT = ...,
	DK_ETIMEOUT = ...,
	DK_EPROTO = ...,
	DK_EAPI = ...,
	DK_ENOTFOUND = ...,
	DK_ECONFLICT = ...,
	DK_EAUTH = ...,
	DK_EVERSION = ...,
	DK_ECANCELED = ...,
	DK_ESTREAM = ...,
	DK_EUSER = ...,
	DK_EUNSUPPORTED = ...
} dk_error_code;
typedef struct dk_error {
	int code;
	int http_status;
	int curl_code;
	const char *message;
	const char *url;
	const char *method;
} dk_error;
const dk_error *dk_error_last(void);
void dk_error_clear(void);
const char *dk_error_name(int code);

/* value.h */
typedef enum {
	DK_JSON_MISSING = ...,
	DK_JSON_NULL = ...,
	DK_JSON_BOOL = ...,
	DK_JSON_NUMBER = ...,
	DK_JSON_STRING = ...,
	DK_JSON_ARRAY = ...,
	DK_JSON_OBJECT = ...
} dk_json_type;
const char *dk_value_body(const dk_value *v, size_t *len);
int dk_value_type(dk_value *v, const char *pointer);
const char *dk_value_get_string(dk_value *v, const char *pointer);
int dk_value_get_int(dk_value *v, const char *pointer, int64_t *out);
int dk_value_get_bool(dk_value *v, const char *pointer, int *out);
int64_t dk_value_count(dk_value *v, const char *pointer);
const char *dk_value_key_at(dk_value *v, const char *pointer, size_t index);
void dk_value_free(dk_value *v);

/* client.h */
int dk_client_new(dk_client **out, const char *url);
int dk_client_new_from_env(dk_client **out);
void dk_client_free(dk_client *c);
int dk_client_set_api_version(dk_client *c, const char *version);
int dk_client_api_version(const char **out, dk_client *c);
int dk_client_set_timeouts(dk_client *c, long connect_ms, long total_ms, long stream_idle_ms);
typedef struct dk_tls_options {
	unsigned version;
	const char *ca_cert;
	const char *client_cert;
	const char *client_key;
	int verify;
} dk_tls_options;
void dk_tls_options_init(dk_tls_options *o);
int dk_client_set_tls(dk_client *c, const dk_tls_options *tls);
const char *dk_client_url(const dk_client *c);
typedef struct dk_trace {
	const char *method;
	const char *url;
	int status;
	int code;
	int64_t start_us;
	int64_t end_us;
	const char *request_headers;
	const char *request_body;
	size_t request_body_len;
	int request_body_truncated;
	const char *response_body;
	size_t response_body_len;
	int response_body_truncated;
	uint64_t response_bytes;
	int streamed;
} dk_trace;
typedef void (*dk_trace_fn)(const dk_trace *trace, void *userdata);
int dk_client_set_trace(dk_client *c, dk_trace_fn fn, void *userdata, size_t body_cap);
void dk_client_close_idle(dk_client *c);

/* request.h */
int dk_client_set_headers(dk_client *c, const char *const *lines);
typedef struct dk_request_options {
    unsigned version;
    const char *method;
    const char *path;
    const char *body;
    size_t body_len;
    dk_read_fn body_read;
    void *body_read_ud;
    const char *content_type;
    const char *const *headers;
    long timeout_ms;
} dk_request_options;
void dk_request_options_init(dk_request_options *o);
typedef struct dk_response dk_response;
int dk_request(dk_response **out, dk_client *c, const dk_request_options *o);
int dk_request_stream(dk_stream **out, dk_client *c, const dk_request_options *o);
int dk_response_status(const dk_response *r);
const char *dk_response_body(const dk_response *r, size_t *len);
const char *dk_response_headers(const dk_response *r, size_t *len);
const char *dk_response_header(const dk_response *r, const char *name, size_t *len);
void dk_response_free(dk_response *r);

/* context.h */
int dk_context_resolve(dk_value **out, const char *config_dir, const char *name);
int dk_client_new_from_context(dk_client **out, const char *config_dir, const char *name);

/* stream.h */
typedef enum {
	DK_STREAM_JSON = ...,
	DK_STREAM_RAW = ...,
	DK_STREAM_MUX = ...
} dk_stream_kind;
int dk_stream_next(dk_stream *s, const char **data, size_t *len);
typedef int (*dk_stream_cb)(const char *data, size_t len, void *userdata);
int dk_stream_foreach(dk_stream *s, dk_stream_cb cb, void *userdata);
int dk_stream_next_frame(dk_stream *s, int *stream_id, const char **data, size_t *len);
typedef struct dk_stream_run {
	int stream_id;
	size_t len;
} dk_stream_run;
int dk_stream_next_batch(dk_stream *s, int merge, const char **data, size_t *len,
	const dk_stream_run **runs, size_t *nruns);
const char *dk_stream_header(const dk_stream *s, const char *name, size_t *len);
int dk_stream_get_kind(const dk_stream *s);
int dk_stream_copy_fd(dk_stream *s, int fd, uint64_t *copied);
#define DK_STREAM_AGAIN ...
int dk_stream_set_nonblocking(dk_stream *s, int on);
int dk_stream_wait_info(dk_stream *s, int *fd, long *timeout_ms);
void dk_stream_cancel(dk_stream *s);
int dk_stream_status(const dk_stream *s);
void dk_stream_free(dk_stream *s);

/* system.h */
int dk_system_ping(dk_client *c);
int dk_system_ping_head(dk_value **out, dk_client *c);
int dk_system_version(dk_value **out, dk_client *c, int versioned);
int dk_system_info(dk_value **out, dk_client *c);
int dk_system_df(dk_value **out, dk_client *c, const char *types);
int dk_system_auth(dk_value **out, dk_client *c, const char *auth_json);
int dk_system_events(dk_stream **out, dk_client *c, const char *since,
	const char *until, const char *filters_json);

/* networks.h */
int dk_network_list(dk_value **out, dk_client *c, const char *filters_json);
int dk_network_inspect(dk_value **out, dk_client *c, const char *id,
	int verbose, const char *scope);
int dk_network_delete(dk_client *c, const char *id);
int dk_network_create(dk_value **out, dk_client *c, const char *config_json);
int dk_network_connect(dk_client *c, const char *id, const char *container,
	const char *endpoint_json);
int dk_network_disconnect(dk_client *c, const char *id, const char *container,
	int force);
int dk_network_prune(dk_value **out, dk_client *c, const char *filters_json);

/* volumes.h */
int dk_volume_list(dk_value **out, dk_client *c, const char *filters_json);
int dk_volume_create(dk_value **out, dk_client *c, const char *config_json);
int dk_volume_inspect(dk_value **out, dk_client *c, const char *name);
int dk_volume_update(dk_client *c, const char *name, const char *spec_json,
	int64_t version);
int dk_volume_delete(dk_client *c, const char *name, int force);
int dk_volume_prune(dk_value **out, dk_client *c, const char *filters_json);
/* containers.h */
int dk_container_list(dk_value **out, dk_client *c, int all, int limit,
	int size, const char *filters_json);
int dk_container_create(dk_value **out, dk_client *c, const char *name,
	const char *platform, const char *config_json);
int dk_container_inspect(dk_value **out, dk_client *c, const char *id, int size);
int dk_container_top(dk_value **out, dk_client *c, const char *id,
	const char *ps_args);
int dk_container_changes(dk_value **out, dk_client *c, const char *id);
int dk_container_resize(dk_client *c, const char *id, int height, int width);
int dk_container_start(dk_client *c, const char *id, const char *detach_keys);
int dk_container_stop(dk_client *c, const char *id, int timeout_s,
	const char *signal);
int dk_container_restart(dk_client *c, const char *id, int timeout_s,
	const char *signal);
int dk_container_kill(dk_client *c, const char *id, const char *signal);
int dk_container_update(dk_value **out, dk_client *c, const char *id,
	const char *update_json);
int dk_container_rename(dk_client *c, const char *id, const char *name);
int dk_container_pause(dk_client *c, const char *id);
int dk_container_unpause(dk_client *c, const char *id);
int dk_container_wait(dk_value **out, dk_client *c, const char *id,
	const char *condition, long timeout_ms);
int dk_container_delete(dk_client *c, const char *id, int volumes, int force,
	int link);
int dk_container_archive_info(dk_value **out, dk_client *c, const char *id,
	const char *path);
int dk_container_prune(dk_value **out, dk_client *c, const char *filters_json);

/* images.h */
int dk_image_list(dk_value **out, dk_client *c, int all,
	const char *filters_json, int digests, int shared_size);
int dk_image_inspect(dk_value **out, dk_client *c, const char *name);
int dk_image_history(dk_value **out, dk_client *c, const char *name);
int dk_image_attestations(dk_value **out, dk_client *c, const char *name,
	const char *platform, const char *type, const char *statement);
int dk_image_tag(dk_client *c, const char *name, const char *repo, const char *tag);
int dk_image_delete(dk_value **out, dk_client *c, const char *name,
	int force, int noprune);
int dk_image_search(dk_value **out, dk_client *c, const char *term,
	int limit, const char *filters_json);
int dk_image_prune(dk_value **out, dk_client *c, const char *filters_json);
int dk_image_commit(dk_value **out, dk_client *c, const char *container,
	const char *repo, const char *tag, const char *comment, const char *author,
	int pause, const char *changes, const char *config_json);
int dk_image_pull(dk_stream **out, dk_client *c, const char *image,
	const char *tag, const char *platform, const char *auth_json);
int dk_image_import(dk_stream **out, dk_client *c, const char *from_src,
	const char *repo, const char *tag, const char *message, const char *changes,
	const char *platform, dk_read_fn fn, void *userdata);
int dk_image_push(dk_stream **out, dk_client *c, const char *name,
	const char *tag, const char *auth_json);
int dk_image_get(dk_stream **out, dk_client *c, const char *name);
int dk_image_get_all(dk_stream **out, dk_client *c, const char *const *names,
	size_t n);
int dk_image_load(dk_stream **out, dk_client *c, dk_read_fn fn, void *userdata,
	int quiet);
typedef struct dk_build_options {
	unsigned version;
	const char *dockerfile;
	const char *const *tags;
	size_t ntags;
	const char *const *extra_hosts;
	size_t nextra_hosts;
	const char *remote;
	int quiet, nocache, pull, rm, forcerm, squash;
	int64_t memory, memswap, cpushares, cpuperiod, cpuquota, shmsize;
	const char *cpusetcpus;
	const char *buildargs_json;
	const char *labels_json;
	const char *cachefrom_json;
	const char *networkmode;
	const char *platform;
	const char *target;
	const char *outputs;
	const char *content_encoding;
	const char *registry_config_json;
	const char *isolation;
} dk_build_options;
void dk_build_options_init(dk_build_options *o);
int dk_image_build(dk_stream **out, dk_client *c, const dk_build_options *o,
	dk_read_fn fn, void *userdata);
int dk_image_build_dir(dk_stream **out, dk_client *c, const dk_build_options *o,
	const char *context_dir);
int dk_build_prune(dk_value **out, dk_client *c, int all,
	const char *filters_json, int64_t keep_storage);
int dk_distribution_inspect(dk_value **out, dk_client *c, const char *name,
	const char *auth_json);
struct dk_session;
int dk_image_build_session(dk_stream **out, dk_client *c, const dk_build_options *o,
	struct dk_session *s, const char *buildid);
int dk_build_cancel(dk_client *c, const char *buildid);
int dk_buildkit_status_decode(dk_value **out, const char *aux_b64, size_t len);

/* auth.h */
int dk_auth_registry_of(dk_value **out, const char *reference);
int dk_auth_lookup(dk_value **out, const char *config_dir, const char *reference);
int dk_auth_lookup_all(dk_value **out, const char *config_dir);
int dk_auth_lookup_env(dk_value **out, const char *config_dir, const char *reference,
	const char *const *helper_env);
int dk_auth_lookup_all_env(dk_value **out, const char *config_dir,
	const char *const *helper_env);
int dk_auth_encode(dk_value **out, const char *auth_json);

/* plugins.h */
int dk_plugin_list(dk_value **out, dk_client *c, const char *filters_json);
int dk_plugin_privileges(dk_value **out, dk_client *c, const char *remote,
	const char *auth_json);
int dk_plugin_pull(dk_stream **out, dk_client *c, const char *remote,
	const char *name, const char *privileges_json, const char *auth_json);
int dk_plugin_inspect(dk_value **out, dk_client *c, const char *name);
int dk_plugin_delete(dk_client *c, const char *name, int force);
int dk_plugin_enable(dk_client *c, const char *name, int timeout);
int dk_plugin_disable(dk_client *c, const char *name, int force);
int dk_plugin_upgrade(dk_stream **out, dk_client *c, const char *name,
	const char *remote, const char *privileges_json, const char *auth_json);
int dk_plugin_create(dk_client *c, const char *name, dk_read_fn fn,
	void *userdata);
int dk_plugin_create_dir(dk_client *c, const char *name, const char *dir);
int dk_plugin_push(dk_stream **out, dk_client *c, const char *name,
	const char *auth_json);
int dk_plugin_set(dk_client *c, const char *name, const char *settings_json);

/* swarm.h */
int dk_swarm_init(dk_value **out, dk_client *c, const char *request_json);
int dk_swarm_join(dk_client *c, const char *request_json);
int dk_swarm_leave(dk_client *c, int force);
int dk_swarm_update(dk_client *c, const char *spec_json, int64_t version,
	int rotate_worker_token, int rotate_manager_token, int rotate_manager_unlock_key);
int dk_swarm_inspect(dk_value **out, dk_client *c);
int dk_swarm_unlockkey(dk_value **out, dk_client *c);
int dk_swarm_unlock(dk_client *c, const char *key);
int dk_node_list(dk_value **out, dk_client *c, const char *filters_json);
int dk_node_inspect(dk_value **out, dk_client *c, const char *id);
int dk_node_delete(dk_client *c, const char *id, int force);
int dk_node_update(dk_client *c, const char *id, int64_t version,
	const char *spec_json);

/* services.h */
int dk_service_list(dk_value **out, dk_client *c, const char *filters_json,
	int status);
int dk_service_create(dk_value **out, dk_client *c, const char *spec_json,
	const char *auth_json);
int dk_service_inspect(dk_value **out, dk_client *c, const char *id,
	int insert_defaults);
int dk_service_delete(dk_client *c, const char *id);
int dk_service_update(dk_value **out, dk_client *c, const char *id,
	int64_t version, const char *spec_json, const char *registry_auth_from,
	const char *rollback, const char *auth_json);
int dk_task_list(dk_value **out, dk_client *c, const char *filters_json);
int dk_task_inspect(dk_value **out, dk_client *c, const char *id);

/* secrets.h */
int dk_secret_list(dk_value **out, dk_client *c, const char *filters_json);
int dk_secret_create(dk_value **out, dk_client *c, const char *spec_json);
int dk_secret_inspect(dk_value **out, dk_client *c, const char *id);
int dk_secret_delete(dk_client *c, const char *id);
int dk_secret_update(dk_client *c, const char *id, int64_t version,
	const char *spec_json);
int dk_config_list(dk_value **out, dk_client *c, const char *filters_json);
int dk_config_create(dk_value **out, dk_client *c, const char *spec_json);
int dk_config_inspect(dk_value **out, dk_client *c, const char *id);
int dk_config_delete(dk_client *c, const char *id);
int dk_config_update(dk_client *c, const char *id, int64_t version,
	const char *spec_json);

/* container_io.h */
typedef struct dk_hijack dk_hijack;
typedef struct dk_logs_options {
	int version;
	int show_stdout;
	int show_stderr;
	int follow;
	int timestamps;
	const char *since;
	const char *until;
	const char *tail;
	int tty;
	int details;
} dk_logs_options;
void dk_logs_options_init(dk_logs_options *o);
int dk_container_logs(dk_stream **out, dk_client *c, const char *id,
	const dk_logs_options *opts);
int dk_service_logs(dk_stream **out, dk_client *c, const char *id,
	const dk_logs_options *opts);
int dk_task_logs(dk_stream **out, dk_client *c, const char *id,
	const dk_logs_options *opts);
typedef struct dk_attach_options {
	int version;
	int show_stdin;
	int show_stdout;
	int show_stderr;
	int logs;
	int stream;
	const char *detach_keys;
	int tty;
} dk_attach_options;
void dk_attach_options_init(dk_attach_options *o);
int dk_container_attach(dk_stream **out, dk_client *c, const char *id,
	const dk_attach_options *opts);
int dk_container_attach_hijack(dk_hijack **out, dk_client *c, const char *id,
	const dk_attach_options *opts);
int dk_container_attach_websocket(dk_hijack **out, dk_client *c, const char *id,
	const dk_attach_options *opts);
int dk_hijack_write(dk_hijack *h, const void *data, size_t len);
int dk_hijack_close_write(dk_hijack *h);
int dk_hijack_read(dk_hijack *h, void *buf, size_t cap, size_t *got);
int dk_hijack_next_frame(dk_hijack *h, int *stream_id, const char **data, size_t *len);
int dk_hijack_get_kind(const dk_hijack *h);
int dk_hijack_fd(const dk_hijack *h);
void dk_hijack_cancel(dk_hijack *h);
void dk_hijack_free(dk_hijack *h);
int dk_container_export(dk_stream **out, dk_client *c, const char *id);
int dk_container_stats(dk_stream **out, dk_client *c, const char *id);
int dk_container_stats_once(dk_value **out, dk_client *c, const char *id, int one_shot);
int dk_container_archive_get(dk_stream **out, dk_client *c, const char *id,
	const char *path, int compressed);
int dk_container_archive_stat(dk_value **out, const dk_stream *s);
int dk_container_archive_put(dk_client *c, const char *id, const char *path,
	int no_overwrite_dir_non_dir, int copy_uid_gid, dk_read_fn read, void *userdata);

/* exec.h */
int dk_exec_create(dk_value **out, dk_client *c, const char *container,
	const char *config_json);
int dk_exec_start(dk_stream **out, dk_client *c, const char *id, int tty);
int dk_exec_start_detached(dk_client *c, const char *id, int tty);
int dk_exec_start_hijack(dk_hijack **out, dk_client *c, const char *id, int tty);
int dk_exec_resize(dk_client *c, const char *id, int height, int width);
int dk_exec_inspect(dk_value **out, dk_client *c, const char *id);

/* loop.h */
typedef struct dk_loop dk_loop;
typedef struct dk_async dk_async;
enum dk_async_code {
	DK_ASYNC_PENDING = ...,
	DK_ASYNC_BLOCKING = ...
};
enum dk_loop_events {
	DK_LOOP_IN = ...,
	DK_LOOP_OUT = ...
};
enum dk_loop_flags {
	DK_LOOP_WATCH = ...,
	DK_LOOP_TIMER = ...,
	DK_LOOP_DONE = ...
};
int dk_loop_new(dk_loop **out, dk_client *c);
void dk_loop_free(dk_loop *L);
int dk_loop_step(dk_loop *L, int fd, int events);
int dk_loop_pending(dk_loop *L);
int dk_loop_watches(dk_loop *L, int *fds, int *events, int max);
long dk_loop_timeout(dk_loop *L);
int dk_loop_done(dk_loop *L, uint64_t *tokens, int max);
int dk_loop_running(const dk_loop *L);
int dk_async_new(dk_async **out, dk_loop *L, uint64_t token);
void dk_async_enter(dk_async *a);
void dk_async_enter_blocking(dk_async *a);
int dk_async_leave(dk_async *a, int rc);
void dk_async_cancel(dk_async *a);
void dk_async_free(dk_async *a);
int dk_stream_set_loop_token(dk_stream *s, uint64_t token);
dk_loop *dk_stream_loop(const dk_stream *s);
int dk_hijack_read_nowait(dk_hijack *h, void *buf, size_t cap, size_t *got);
/* session.h */
typedef struct dk_session dk_session;
int dk_session_new(dk_session **out, dk_client *c, const char *name,
	const char *shared_key);
int dk_session_add_dir(dk_session *s, const char *name, const char *path,
	const char *const *excludes);
int dk_session_add_secret(dk_session *s, const char *id, const void *data,
	size_t len);
int dk_session_use_credentials(dk_session *s, const char *config_dir);
int dk_session_set_auth(dk_session *s, const char *registry_config_json);
int dk_session_set_output(dk_session *s, const char *dir, int fd);
int dk_session_add_ssh(dk_session *s, const char *id, const char *agent_socket);
int dk_session_open(dk_session *s);
const char *dk_session_id(const dk_session *s);
typedef struct dk_session_stats {
	uint64_t bytes_sent;
	uint64_t bytes_received;
	uint64_t file_bytes;
	uint64_t stat_packets;
	uint64_t files_requested;
	uint64_t health_checks;
	uint64_t calls;
	uint64_t output_bytes;
	int closed;
} dk_session_stats;
void dk_session_get_stats(const dk_session *s, dk_session_stats *out);
int dk_session_error(const dk_session *s, const char **msg);
void dk_session_close(dk_session *s);

/* Python-side callbacks (defined in _binding.py with @ffi.def_extern) */
extern "Python" void _dk_py_trace(const dk_trace *trace, void *userdata);
extern "Python" int64_t _dk_py_read(void *userdata, char *buf, size_t len);
