/* The ssh:// transport (internal).
 *
 * Like the docker CLI: every HTTP connection of an ssh client is the
 * stdin/stdout of a child process
 *     ssh [CLIBDOCKER_SSH_COMMAND words] -o ConnectTimeout=N -o BatchMode=yes
 *         -T [-l user] [-p port] -- host docker system dial-stdio
 * handed to libcurl through CURLOPT_OPENSOCKETFUNCTION (one end of a
 * connected loopback TCP pair, see loop_pair() in ssh.c for why not a
 * socketpair; CURLOPT_SOCKOPTFUNCTION says it is already connected) and
 * taken back through CURLOPT_CLOSESOCKETFUNCTION, which closes it and reaps
 * the child. The client keeps a mutex-guarded fd -> pid table, so that
 * dk_client_free() can reap whatever is left.
 *
 * When ssh dies on its own (authentication refused, host unreachable, no
 * docker on the remote side), the close callback keeps its exit status and
 * the tail of its stderr (captured in an anonymous file, so a chatty ssh
 * can never block on a full pipe) on the calling thread; the transfer's
 * error mapping then reports it through dk__ssh_error(). */
#ifndef DK_SSH_INT_H
#define DK_SSH_INT_H

#include <curl/curl.h>

struct dk_client;
typedef struct dk_ssh dk_ssh;

/* Parse "ssh://[user@]host[:port]" (an IPv6 host in brackets; no path,
 * query, password or option-like names) and read CLIBDOCKER_SSH_COMMAND
 * (words split on white space; '...' and "..." group words; default "ssh").
 * On success *out is the transport state and *url_out the normalised URL
 * (malloc'd). Errors: DK_EINVAL, DK_ENOMEM (recorded). */
int dk__ssh_new(dk_ssh **out, char **url_out, const char *url);

/* Set the socket callbacks on an easy handle of client `c` (c->ssh set). */
void dk__ssh_setup_easy(struct dk_client *c, CURL *h);
/* The CURLOPT_OPENSOCKETFUNCTION dk__ssh_setup_easy() installs (with the
 * client's dk_ssh as `ud`), for a caller that wraps it. */
curl_socket_t dk__ssh_open_socket(void *ud, curlsocktype purpose, struct curl_sockaddr *addr);

/* Reap every child still running (SIGTERM, then SIGKILL) and free. NULL ok. */
void dk__ssh_free(dk_ssh *s);

/* Tell the transport that the client is being freed: connections closed
 * from now on are ended at once, and their exit is not reported. */
void dk__ssh_closing(dk_ssh *s);

/* If an ssh child of this thread's last transfer failed on its own, record
 * its status and stderr as the error (with `code`, the CURLcode `cc`,
 * libcurl's `detail` (NULL: its text for cc) and the operation `what`) and
 * return `code`; else return 0. Consumes the record. */
int dk__ssh_error(int code, int cc, const char *detail, const char *what);

/* Split a command line into words (exposed for tests). *argv_out is a
 * NULL-terminated malloc'd array of malloc'd words; free with
 * dk__ssh_words_free(). Returns the word count or <0 (unterminated quote:
 * DK_EINVAL; DK_ENOMEM), recording the error. */
int dk__ssh_split_words(char ***argv_out, const char *cmd);
void dk__ssh_words_free(char **argv);

#endif
