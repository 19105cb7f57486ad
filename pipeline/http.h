/* http: the HTTP client the outputs use (Elasticsearch, http, alertmanager),
 * a thin layer over libcurl. One lp_http per worker (a curl easy handle that
 * keeps its connections alive); never shared between threads. TLS options map
 * to the plugins' ssl_* options. Secrets are never logged. */
#ifndef LP_PIPELINE_HTTP_H
#define LP_PIPELINE_HTTP_H

#include "pipeline/buf.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct lp_http lp_http;

typedef struct lp_http_opts {
	long connect_timeout_ms;   /* 0: 10 s */
	long timeout_ms;           /* whole request; 0: 60 s */
	bool keepalive;            /* reuse connections (default true) */
	const char *ca_file;       /* ssl_certificate_authorities, or NULL */
	bool verify_peer;          /* ssl_verification_mode full/certificate */
	bool verify_host;          /* ssl_verification_mode full */
	const char *cert_file;     /* client certificate, or NULL */
	const char *key_file;
	const char *user;          /* basic auth, or NULL */
	const char *password;
	long idle_timeout_ms;      /* abort when nothing moves for this long (whole
	                            * seconds, rounded up); 0: no limit */
	bool follow_redirects;     /* follow 3xx Location (default false) */
	const char *proxy;         /* proxy URL, or NULL */
} lp_http_opts;

typedef struct lp_http_header {
	const char *name;
	const char *value;
} lp_http_header;

typedef struct lp_http_request {
	const char *method;        /* "GET", "POST", "PUT", "HEAD", "DELETE" */
	const char *url;
	const lp_http_header *headers;
	size_t n_headers;
	const char *body;          /* may be NULL */
	size_t body_len;
	int gzip_level;            /* > 0: gzip the body and send Content-Encoding: gzip */
} lp_http_request;

typedef struct lp_http_response {
	long status;               /* 0 when no response was received */
	lp_buf body;               /* the whole response body, read completely */
	char error[256];           /* transport error text when status is 0 */
} lp_http_response;

/* Fills o with the defaults: keepalive, verify_peer and verify_host true,
 * everything else zero (10 s connect timeout, 60 s request timeout, no TLS
 * files, no auth). */
void lp_http_opts_defaults(lp_http_opts *o);

/* Ownership: opts' strings are copied. opts NULL: the defaults. Any thread;
 * the handle is then used by one thread at a time. */
lp_http *lp_http_create(const lp_http_opts *opts);
void lp_http_destroy(lp_http *h);

void lp_http_response_init(lp_http_response *r);
void lp_http_response_fini(lp_http_response *r);

/* Performs the request. The caller sets Content-Type among the headers when
 * there is a body (none is sent otherwise). Returns 0 when a response arrived
 * (any status), or a negative code for a transport failure (connection
 * refused -ECONNREFUSED, timeout -ETIMEDOUT, reset -ECONNRESET, TLS and other
 * failures LP_EIO) with a description in resp->error. */
int lp_http_do(lp_http *h, const lp_http_request *req, lp_http_response *resp);

/* The TLS options every HTTP-based output takes (Logstash 8 names), for a
 * plugin's option table; read them with lp_http_opts_tls_from_args. */
#define LP_HTTP_TLS_OPTIONS                                                              \
	{ "ssl_enabled", LP_OPT_BOOL, NULL, 0, NULL, 0, 0,                               \
	  "Accepted for compatibility: TLS is used for https:// URLs." },                \
	{ "ssl_certificate_authorities", LP_OPT_ARRAY, NULL, 0, NULL, 0, 0,              \
	  "A PEM file of certificate authorities to trust (one file)." },                \
	{ "ssl_verification_mode", LP_OPT_STRING, "\"full\"", 0, lp_http_verification_modes, \
	  0, 0, "full: verify the server certificate and host name; none: verify nothing." }, \
	{ "ssl_certificate", LP_OPT_PATH, NULL, 0, NULL, 0, 0, "Client certificate (PEM)." }, \
	{ "ssl_key", LP_OPT_PATH, NULL, 0, NULL, 0, 0, "Client key (PEM)." },            \
	{ "ssl_keystore_path", LP_OPT_PATH, NULL, 0, NULL, 0, 0,                         \
	  "Not supported: use ssl_certificate and ssl_key (PEM)." },                     \
	{ "ssl_truststore_path", LP_OPT_PATH, NULL, 0, NULL, 0, 0,                       \
	  "Not supported: use ssl_certificate_authorities (PEM)." }

/* The choices of ssl_verification_mode: "full", "none". */
extern const char *const lp_http_verification_modes[];

struct lp_args;
/* Reads the LP_HTTP_TLS_OPTIONS of a plugin (plus the deprecated cacert,
 * client_cert, client_key and keystore/truststore when the plugin's table
 * has them) into o, reporting errors through a (more than one CA file, a
 * certificate without its key, Java key stores). Main thread, at create. */
void lp_http_opts_tls_from_args(lp_http_opts *o, struct lp_args *a);

/* Returns url with any "user:password@" part replaced by "user:xxxxxx@", for
 * logs. Caller frees. */
char *lp_http_redact_url(const char *url);

#endif
