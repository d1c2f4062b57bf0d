/* A minimal protobuf wire codec for the BuildKit session (internal, sans-I/O).
 *
 * Only what the session and the build progress need: varints, a field
 * reader over a borrowed buffer, writers that append to a dkbuf, and the
 * handful of messages of the protocol:
 *   fsutil types.Packet / types.Stat     (FileSync/FileSend DiffCopy)
 *   BytesMessage                          (FileSend payload)
 *   grpc.health.v1 HealthCheckResponse
 *   moby.filesync.v1 CredentialsRequest / CredentialsResponse
 *   moby.buildkit.secrets.v1 GetSecretRequest / GetSecretResponse
 *   moby.buildkit.v1 StatusResponse (Vertex, VertexStatus, VertexLog,
 *   VertexWarning), decoded into JSON text.
 * Decoders never read past the buffer: a truncated varint, a length past
 * the end, a group or reserved wire type is DK_EPROTO with a message.
 * Unknown fields are skipped, as protobuf requires. */
#ifndef DK_PROTO_INT_H
#define DK_PROTO_INT_H

#include <stddef.h>
#include <stdint.h>

#include "buf_int.h"

/* wire types */
#define DK_PB_VARINT 0
#define DK_PB_I64 1
#define DK_PB_LEN 2
#define DK_PB_I32 5

/* One field read by dk_pb_next(). VARINT/I64/I32: `v`; LEN: data/len. */
typedef struct dk_pb_field {
	uint32_t num;
	int wire;
	uint64_t v;
	const unsigned char *data;
	size_t len;
} dk_pb_field;

typedef struct dk_pb_reader {
	const unsigned char *p, *end;
} dk_pb_reader;

void dk_pb_reader_init(dk_pb_reader *r, const void *buf, size_t len);
/* 1: a field in *f; 0: the end of the buffer; DK_EPROTO: malformed. */
int dk_pb_next(dk_pb_reader *r, dk_pb_field *f);
/* Decode one varint at p (at most 10 bytes, not past end): bytes used, or 0
 * if truncated or too long. */
size_t dk_pb_varint_decode(const unsigned char *p, const unsigned char *end, uint64_t *v);
/* Encode v into out (10 bytes room): bytes written. */
size_t dk_pb_varint_encode(unsigned char *out, uint64_t v);
size_t dk_pb_varint_size(uint64_t v);

/* Writers (0, or DK_ENOMEM recorded). A scalar equal to 0 and an empty
 * string are left out, as proto3 does. */
int dk_pb_put_varint_field(dkbuf *b, uint32_t num, uint64_t v);
int dk_pb_put_bytes_field(dkbuf *b, uint32_t num, const void *data, size_t len);
/* The same field even when empty (a present, empty sub-message). */
int dk_pb_put_bytes_field_always(dkbuf *b, uint32_t num, const void *data, size_t len);

/* --- fsutil ---------------------------------------------------------------- */

enum {
	DK_FS_STAT = 0,
	DK_FS_REQ = 1,
	DK_FS_DATA = 2,
	DK_FS_FIN = 3,
	DK_FS_ERR = 4
};

/* Go os.FileMode bits carried in Stat.mode */
#define DK_FS_MODE_DIR (1u << 31)
#define DK_FS_MODE_SYMLINK (1u << 27)
#define DK_FS_MODE_DEVICE (1u << 26)
#define DK_FS_MODE_PIPE (1u << 25)
#define DK_FS_MODE_SOCKET (1u << 24)
#define DK_FS_MODE_SETUID (1u << 23)
#define DK_FS_MODE_SETGID (1u << 22)
#define DK_FS_MODE_CHARDEV (1u << 21)
#define DK_FS_MODE_STICKY (1u << 20)
#define DK_FS_MODE_TYPE (DK_FS_MODE_DIR | DK_FS_MODE_SYMLINK | DK_FS_MODE_DEVICE | \
	DK_FS_MODE_PIPE | DK_FS_MODE_SOCKET | DK_FS_MODE_CHARDEV | (1u << 19) /* irregular */)

/* Strings are borrowed (not NUL-terminated when decoded). */
typedef struct dk_fs_stat {
	const char *path;
	size_t path_len;
	uint32_t mode, uid, gid;
	int64_t size, mod_time;
	const char *linkname;
	size_t linkname_len;
	int64_t devmajor, devminor;
	size_t nxattrs;        /* decoded: how many xattrs entries were seen */
} dk_fs_stat;

typedef struct dk_fs_packet {
	int type;              /* DK_FS_* */
	int has_stat;
	dk_fs_stat stat;
	uint32_t id;
	const unsigned char *data;
	size_t data_len;
} dk_fs_packet;

/* Append the encoded Packet to b. */
int dk_fs_packet_encode(dkbuf *b, const dk_fs_packet *p);
/* Size of the encoded Packet. */
size_t dk_fs_packet_size(const dk_fs_packet *p);
/* Decode (pointers into buf). DK_EPROTO for malformed input or a wrong
 * wire type of a known field. */
int dk_fs_packet_decode(dk_fs_packet *p, const void *buf, size_t len);

/* --- the small messages ---------------------------------------------------- */

/* string field 1 of a message (CredentialsRequest.Host,
 * GetSecretRequest.ID, HealthCheckRequest.service, BytesMessage.data):
 * borrowed, *len 0 when absent. */
int dk_pb_get_field1(const void *buf, size_t len, const unsigned char **s, size_t *slen);
/* HealthCheckResponse{status: SERVING} */
int dk_pb_health_serving(dkbuf *b);
/* CredentialsResponse{Username, Secret} */
int dk_pb_credentials_response(dkbuf *b, const char *user, const char *secret);

/* --- build progress ---------------------------------------------------------- */

/* Decode a StatusResponse into one JSON object appended to out:
 * {"vertexes":[{"digest","inputs":[],"name","cached","started","completed","error"}],
 *  "statuses":[{"id","vertex","name","current","total","timestamp","started","completed"}],
 *  "logs":[{"vertex","stream","timestamp","data"}],
 *  "warnings":[{"vertex","level","short","detail":[],"url"}]}
 * Times are RFC 3339 UTC strings with nanoseconds; absent members are left
 * out; bytes that are not UTF-8 become U+FFFD. */
int dk_bk_status_to_json(dkbuf *out, const void *buf, size_t len);

/* Standard base64 (padding optional, whitespace refused): appended to out. */
int dk_b64_decode(dkbuf *out, const char *s, size_t len);

/* --- gRPC message framing -------------------------------------------------- */

#define DK_GRPC_MAX_MSG ((size_t)16 << 20)

/* Reassembles length-prefixed gRPC messages (1 flag byte, 4-byte big-endian
 * length) from bytes split anywhere. Compressed messages (flag 1) are
 * refused: we never accept a grpc-encoding. */
typedef struct dk_grpc_reader {
	dkbuf buf;
	size_t pos;
	size_t max;
} dk_grpc_reader;

void dk_grpc_reader_init(dk_grpc_reader *r, size_t max);
int dk_grpc_reader_feed(dk_grpc_reader *r, const void *data, size_t len);
/* 1: a message (borrowed until the next call); 0: need more; <0 error. */
int dk_grpc_reader_next(dk_grpc_reader *r, const unsigned char **msg, size_t *len);
/* 1 if part of a message is waiting */
int dk_grpc_reader_partial(const dk_grpc_reader *r);
void dk_grpc_reader_dispose(dk_grpc_reader *r);

/* Append the 5-byte prefix for a message of len bytes. */
int dk_grpc_put_prefix(dkbuf *b, size_t len);

#endif
