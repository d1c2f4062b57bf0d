/* clibdocker: the Image API (16 operations) and DistributionInspect.
 * SPDX-License-Identifier: Apache-2.0
 *
 * Ownership as everywhere: a dk_value or dk_stream returned through `out`
 * is the caller's (dk_value_free() / dk_stream_free()); string arguments are
 * borrowed for the duration of the call. Credentials are passed as AuthConfig
 * JSON ({"username","password","serveraddress"} or {"identitytoken",...});
 * they are sent base64url-encoded in X-Registry-Auth / X-Registry-Config and
 * never appear in traces or error messages. See auth.h to find them the way
 * the docker CLI does. All functions are thread-safe (per the client). */
#ifndef CLIBDOCKER_IMAGES_H
#define CLIBDOCKER_IMAGES_H

#include "common.h"

DK_BEGIN_DECL

/**
 * GET /images/json. @op ImageList
 * @param all          1: also intermediate images (-1: the engine's default)
 * @param filters_json a JSON object of filters ({"label":["a=b"]}) or NULL
 * @param digests      1: include RepoDigests details (-1: default)
 * @param shared_size  1: compute SharedSize (API >= 1.42, else DK_EVERSION;
 *                     -1: default)
 * @param out receives the JSON array, owned by the caller.
 */
DK_EXTERN(int) dk_image_list(dk_value **out, dk_client *c, int all,
	const char *filters_json, int digests, int shared_size);

/** GET /images/{name}/json. @op ImageInspect
 * @return DK_ENOTFOUND for an unknown image. @param out the JSON object (caller's). */
DK_EXTERN(int) dk_image_inspect(dk_value **out, dk_client *c, const char *name);

/** GET /images/{name}/history. @op ImageHistory
 * @param out the JSON array of layers, newest first (caller's). */
DK_EXTERN(int) dk_image_history(dk_value **out, dk_client *c, const char *name);

/** GET /images/{name}/attestations (API >= 1.55, else DK_EVERSION).
 * @op ImageAttestations
 * @param platform, type, statement  optional filters (NULL: none)
 * @param out the JSON answer (caller's). */
DK_EXTERN(int) dk_image_attestations(dk_value **out, dk_client *c, const char *name,
	const char *platform, const char *type, const char *statement);

/** POST /images/{name}/tag. @op ImageTag
 * @param repo the repository ("reg:5000/ns/app"), @param tag or NULL ("latest"). */
DK_EXTERN(int) dk_image_tag(dk_client *c, const char *name, const char *repo, const char *tag);

/** DELETE /images/{name}. @op ImageDelete
 * @param force, noprune  1/0, or -1 for the engine's default
 * @param out the JSON array of {"Untagged"} / {"Deleted"} (caller's). */
DK_EXTERN(int) dk_image_delete(dk_value **out, dk_client *c, const char *name,
	int force, int noprune);

/** GET /images/search. @op ImageSearch
 * @param term required; @param limit <= 0 for none; @param filters_json or NULL.
 * @param out the JSON array of results (caller's). */
DK_EXTERN(int) dk_image_search(dk_value **out, dk_client *c, const char *term,
	int limit, const char *filters_json);

/** POST /images/prune. @op ImagePrune
 * @param filters_json e.g. {"dangling":["false"],"label":["x"]}, or NULL
 * @param out {"ImagesDeleted","SpaceReclaimed"} (caller's). */
DK_EXTERN(int) dk_image_prune(dk_value **out, dk_client *c, const char *filters_json);

/**
 * POST /commit: a new image from a container. @op ImageCommit
 * @param container   the container id or name (required)
 * @param repo, tag, comment, author  or NULL
 * @param pause       1/0, or -1 for the default (pause)
 * @param changes     Dockerfile instructions to apply, separated by '\n'
 *                    (each sent as one `changes` value), or NULL
 * @param config_json a ContainerConfig JSON object as the body, or NULL
 * @param out {"Id": "sha256:..."} (caller's).
 */
DK_EXTERN(int) dk_image_commit(dk_value **out, dk_client *c, const char *container,
	const char *repo, const char *tag, const char *comment, const char *author,
	int pause, const char *changes, const char *config_json);

/**
 * POST /images/create?fromImage=: pull an image. @op ImageCreate
 * @param image    the reference without tag, or with a tag/digest
 * @param tag      a tag or a digest ("sha256:..."), or NULL: then a bare
 *                 repository pulls all its tags (as the API does), a
 *                 reference with a tag or digest pulls that
 * @param platform "os[/arch[/variant]]" or NULL
 * @param auth_json AuthConfig JSON or NULL
 * @param out the progress stream (DK_STREAM_JSON messages; an `errorDetail`
 *        message reports a failure), owned by the caller.
 */
DK_EXTERN(int) dk_image_pull(dk_stream **out, dk_client *c, const char *image,
	const char *tag, const char *platform, const char *auth_json);

/**
 * POST /images/create?fromSrc=: import a root filesystem tarball.
 * @op ImageCreate
 * @param from_src "-" to send the tarball from `fn` (streamed, never whole in
 *                 memory), a URL for the engine to fetch (fn NULL)
 * @param repo, tag, message, platform  or NULL
 * @param changes  Dockerfile instructions separated by '\n', or NULL
 * @param out the progress stream (caller's).
 */
DK_EXTERN(int) dk_image_import(dk_stream **out, dk_client *c, const char *from_src,
	const char *repo, const char *tag, const char *message, const char *changes,
	const char *platform, dk_read_fn fn, void *userdata);

/**
 * POST /images/{name}/push. @op ImagePush
 * @param tag NULL pushes every tag of the repository
 * @param auth_json AuthConfig JSON or NULL (then an empty one is sent)
 * @param out the progress stream (caller's); the last messages carry the
 *        pushed digest ({"aux":{"Tag","Digest","Size"}}) or an errorDetail.
 */
DK_EXTERN(int) dk_image_push(dk_stream **out, dk_client *c, const char *name,
	const char *tag, const char *auth_json);

/** GET /images/{name}/get: the image as a tar (raw stream; use
 * dk_stream_copy_fd() to write it to a file with bounded memory).
 * @op ImageGet */
DK_EXTERN(int) dk_image_get(dk_stream **out, dk_client *c, const char *name);

/** GET /images/get?names=...: several images as one tar (raw stream).
 * @op ImageGetAll @param names, n  the images (n >= 1). */
DK_EXTERN(int) dk_image_get_all(dk_stream **out, dk_client *c, const char *const *names,
	size_t n);

/** POST /images/load: load a tar made by dk_image_get(), read from `fn`
 * (streamed). @op ImageLoad
 * @param quiet 1/0, or -1 for the default
 * @param out the JSON progress stream (caller's): {"stream":"Loaded image..."}
 *        or an errorDetail. */
DK_EXTERN(int) dk_image_load(dk_stream **out, dk_client *c, dk_read_fn fn, void *userdata,
	int quiet);

/** Options of dk_image_build(). Initialise with dk_build_options_init() (or
 * DK_BUILD_OPTIONS_INIT): then every field is unset (NULL, or -1). */
typedef struct dk_build_options {
	unsigned version;            /**< DK_BUILD_OPTIONS_VERSION */
	const char *dockerfile;      /**< path inside the context ("Dockerfile") */
	const char *const *tags;     /**< `t`, each "name:tag" */
	size_t ntags;
	const char *const *extra_hosts; /**< "host:ip" each */
	size_t nextra_hosts;
	const char *remote;          /**< a git URL or tarball URL instead of a body */
	int quiet, nocache, pull, rm, forcerm, squash; /**< 1/0, -1 unset */
	int64_t memory, memswap, cpushares, cpuperiod, cpuquota, shmsize; /**< -1 unset */
	const char *cpusetcpus;
	const char *buildargs_json;  /**< {"NAME":"value"} */
	const char *labels_json;     /**< {"k":"v"} */
	const char *cachefrom_json;  /**< ["image", ...] */
	const char *networkmode;
	const char *platform;
	const char *target;
	const char *outputs;
	const char *content_encoding; /**< e.g. "gzip" for a gzipped tar body, or NULL */
	const char *registry_config_json; /**< {"registry": AuthConfig, ...} for
	                                   X-Registry-Config (secret), or NULL */
	const char *isolation;       /**< `isolation` ("default", "process", "hyperv") */
} dk_build_options;

#define DK_BUILD_OPTIONS_VERSION 1
#define DK_BUILD_OPTIONS_INIT {DK_BUILD_OPTIONS_VERSION, NULL, NULL, 0, NULL, 0, NULL, \
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, NULL, NULL, NULL, NULL, NULL, NULL, \
	NULL, NULL, NULL, NULL, NULL}

/** Set every field of `o` to unset. */
DK_EXTERN(void) dk_build_options_init(dk_build_options *o);

/**
 * POST /build with the context tar read from `fn` (streamed, chunked;
 * plain or gzip-compressed tar). @op ImageBuild
 * @param o  options (NULL: none)
 * @param fn the tar source, or NULL with o->remote set
 * @param out the JSON progress stream (caller's): {"stream": "..."} lines,
 *        {"aux":{"ID":"sha256:..."}} with the image id, or an errorDetail
 *        message when the build fails.
 */
DK_EXTERN(int) dk_image_build(dk_stream **out, dk_client *c, const dk_build_options *o,
	dk_read_fn fn, void *userdata);

/**
 * POST /build with `context_dir` as the context: the directory is walked and
 * sent as a tar while the request runs (never whole in memory), leaving out
 * what its .dockerignore excludes, with the Docker CLI's rules (`**`, `!`
 * exceptions, leading `/`); the Dockerfile and .dockerignore are always
 * sent. `o->dockerfile` is relative to `context_dir` or absolute; a
 * Dockerfile outside the context (`../df`, `/elsewhere/df`) is read now and
 * sent inside it as `.dockerfile.<40 random hex digits>` (the name passed as
 * `dockerfile`), with that name added to the .dockerignore sent (which
 * then lists `.dockerignore` too when it had no pattern), so that the engine
 * drops both from the context as it does for the Docker CLI. @op ImageBuild
 * @return DK_EINVAL for a missing directory, an unreadable Dockerfile
 *         outside the context or a bad .dockerignore pattern, before any
 *         request.
 */
DK_EXTERN(int) dk_image_build_dir(dk_stream **out, dk_client *c, const dk_build_options *o,
	const char *context_dir);

struct dk_session;

/**
 * A BuildKit build (POST /build?version=2&session=ID&remote=client-session):
 * no body; the engine fetches the context and the Dockerfile through the
 * session `s` (open it first with dk_session_open(): the engine waits only
 * a few seconds for it), and secrets and credentials too. @op ImageBuild
 * @param o options as for dk_image_build(); `remote` and `content_encoding`
 *        must be unset. Classic-only ones (memory, cpu*, shmsize, rm,
 *        forcerm, squash) are ignored by the engine under BuildKit.
 * @param buildid a unique id (POST /build/cancel?id=...), or NULL
 * @param out the JSON progress stream (caller's):
 *        {"id":"moby.buildkit.trace","aux":"<base64 StatusResponse>"} per
 *        update (decode with dk_buildkit_status_decode()),
 *        {"id":"moby.image.id","aux":{"ID":"sha256:..."}}, or an errorDetail.
 */
DK_EXTERN(int) dk_image_build_session(dk_stream **out, dk_client *c, const dk_build_options *o,
	struct dk_session *s, const char *buildid);

/** POST /build/cancel?id=buildid: stop a running BuildKit build (an endpoint
 * the engine has beyond the spec). */
DK_EXTERN(int) dk_build_cancel(dk_client *c, const char *buildid);

/**
 * Decode the `aux` of a moby.buildkit.trace message (the base64 of a
 * StatusResponse) into a value (caller's, dk_value_free()):
 * {"vertexes":[{"digest","inputs":[...],"name","cached","started",
 *  "completed","error"}], "statuses":[{"id","vertex","name","current",
 *  "total","timestamp","started","completed"}], "logs":[{"vertex","stream",
 *  "timestamp","data"}], "warnings":[{"vertex","level","short","detail",
 *  "url"}]}; members absent from the update are left out, times are RFC 3339
 * strings. DK_EPROTO for bad base64 or a malformed message.
 */
DK_EXTERN(int) dk_buildkit_status_decode(dk_value **out, const char *aux_b64, size_t len);

/**
 * POST /build/prune. @op BuildPrune
 * @param all 1/0 or -1; @param filters_json or NULL
 * @param keep_storage bytes to keep (API < 1.52 name), or -1
 * @param out {"CachesDeleted","SpaceReclaimed"} (caller's).
 */
DK_EXTERN(int) dk_build_prune(dk_value **out, dk_client *c, int all,
	const char *filters_json, int64_t keep_storage);

/**
 * GET /distribution/{name}/json: the image's descriptor and platforms as the
 * registry has them. @op DistributionInspect
 * @param auth_json AuthConfig JSON or NULL
 * @param out {"Descriptor":{...},"Platforms":[...]} (caller's).
 */
DK_EXTERN(int) dk_distribution_inspect(dk_value **out, dk_client *c, const char *name,
	const char *auth_json);

DK_END_DECL

#endif
