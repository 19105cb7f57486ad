#include "pipeline/http.h"

#include "conf/schema.h"
#include "pipeline/error.h"
#include "pipeline/mem.h"

#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

struct lp_http {
	CURL *curl;
	lp_http_opts opts; /* strings owned */
	lp_buf gz;         /* gzip'd request body, reused */
	char errbuf[CURL_ERROR_SIZE];
};

static pthread_once_t global_once = PTHREAD_ONCE_INIT;

static void global_init(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

static char *dup_or_null(const char *s)
{
	return s ? lp_strdup(s) : NULL;
}

void lp_http_opts_defaults(lp_http_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->keepalive = true;
	o->verify_peer = true;
	o->verify_host = true;
}

lp_http *lp_http_create(const lp_http_opts *opts)
{
	pthread_once(&global_once, global_init);
	lp_http *h = lp_calloc(1, sizeof(*h));
	h->curl = curl_easy_init();
	if (!h->curl) {
		/* curl_easy_init fails only when out of memory. */
		fprintf(stderr, "logpipe: fatal: out of memory creating an HTTP handle\n");
		abort();
	}
	if (opts)
		h->opts = *opts;
	else
		lp_http_opts_defaults(&h->opts);
	h->opts.ca_file = dup_or_null(h->opts.ca_file);
	h->opts.cert_file = dup_or_null(h->opts.cert_file);
	h->opts.key_file = dup_or_null(h->opts.key_file);
	h->opts.user = dup_or_null(h->opts.user);
	h->opts.password = dup_or_null(h->opts.password);
	h->opts.proxy = dup_or_null(h->opts.proxy);
	lp_buf_init(&h->gz);
	return h;
}

void lp_http_destroy(lp_http *h)
{
	if (!h)
		return;
	curl_easy_cleanup(h->curl);
	lp_free((char *)h->opts.ca_file);
	lp_free((char *)h->opts.cert_file);
	lp_free((char *)h->opts.key_file);
	lp_free((char *)h->opts.user);
	lp_free((char *)h->opts.proxy);
	if (h->opts.password) {
		/* Do not leave the secret behind in freed memory. */
		char *p = (char *)h->opts.password;
		memset(p, 0, strlen(p));
		lp_free(p);
	}
	lp_buf_fini(&h->gz);
	lp_free(h);
}

void lp_http_response_init(lp_http_response *r)
{
	r->status = 0;
	lp_buf_init(&r->body);
	r->error[0] = '\0';
}

void lp_http_response_fini(lp_http_response *r)
{
	if (!r)
		return;
	lp_buf_fini(&r->body);
}

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
	lp_buf_add(ud, p, size * n);
	return size * n;
}

/* Gzips in/len into out (replacing its content). Returns 0 or LP_EIO. */
static int gzip_body(lp_buf *out, const char *in, size_t len, int level)
{
	z_stream zs;
	memset(&zs, 0, sizeof(zs));
	if (level > 9)
		level = 9;
	if (deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return LP_EIO;
	lp_buf_reset(out);
	lp_buf_reserve(out, deflateBound(&zs, len));
	zs.next_in = (Bytef *)in;
	zs.avail_in = (uInt)len;
	int rc;
	do {
		if (out->cap - out->len - 1 < 64)
			lp_buf_reserve(out, out->cap);
		zs.next_out = (Bytef *)out->data + out->len;
		zs.avail_out = (uInt)(out->cap - out->len - 1);
		rc = deflate(&zs, Z_FINISH);
		out->len = (size_t)((char *)zs.next_out - out->data);
	} while (rc == Z_OK || rc == Z_BUF_ERROR);
	deflateEnd(&zs);
	out->data[out->len] = '\0';
	return rc == Z_STREAM_END ? 0 : LP_EIO;
}

static int map_curl_error(CURLcode c)
{
	switch (c) {
	case CURLE_OPERATION_TIMEDOUT: return -ETIMEDOUT;
	case CURLE_COULDNT_CONNECT: return -ECONNREFUSED;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY: return -EHOSTUNREACH;
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE: return -ECONNRESET;
	case CURLE_URL_MALFORMAT:
	case CURLE_UNSUPPORTED_PROTOCOL: return LP_EINVAL;
	default: return LP_EIO;
	}
}

static void set_base_options(lp_http *h)
{
	CURL *c = h->curl;
	const lp_http_opts *o = &h->opts;
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, h->errbuf);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
			 o->connect_timeout_ms > 0 ? o->connect_timeout_ms : 10000L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, o->timeout_ms > 0 ? o->timeout_ms : 60000L);
	curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(c, CURLOPT_FORBID_REUSE, o->keepalive ? 0L : 1L);
	curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, o->verify_peer ? 1L : 0L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, o->verify_host ? 2L : 0L);
	if (o->ca_file)
		curl_easy_setopt(c, CURLOPT_CAINFO, o->ca_file);
	if (o->cert_file)
		curl_easy_setopt(c, CURLOPT_SSLCERT, o->cert_file);
	if (o->key_file)
		curl_easy_setopt(c, CURLOPT_SSLKEY, o->key_file);
	if (o->user) {
		curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(c, CURLOPT_USERNAME, o->user);
		curl_easy_setopt(c, CURLOPT_PASSWORD, o->password ? o->password : "");
	}
	if (o->idle_timeout_ms > 0) {
		curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
		curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, (o->idle_timeout_ms + 999) / 1000);
	}
	if (o->follow_redirects) {
		curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
		curl_easy_setopt(c, CURLOPT_MAXREDIRS, 10L);
		curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	}
	if (o->proxy)
		curl_easy_setopt(c, CURLOPT_PROXY, o->proxy);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
}

static struct curl_slist *build_headers(const lp_http_request *req, bool gz)
{
	struct curl_slist *l = NULL;
	lp_buf line = LP_BUF_INIT;
	for (size_t i = 0; i < req->n_headers; i++) {
		lp_buf_reset(&line);
		const char *v = req->headers[i].value;
		if (v && *v)
			lp_buf_printf(&line, "%s: %s", req->headers[i].name, v);
		else
			lp_buf_printf(&line, "%s;", req->headers[i].name); /* an empty value */
		l = curl_slist_append(l, lp_buf_str(&line));
	}
	/* No "Expect: 100-continue" round trip before large bodies. */
	l = curl_slist_append(l, "Expect:");
	if (gz)
		l = curl_slist_append(l, "Content-Encoding: gzip");
	lp_buf_fini(&line);
	return l;
}

static bool has_header(const lp_http_request *req, const char *name)
{
	for (size_t i = 0; i < req->n_headers; i++)
		if (strcasecmp(req->headers[i].name, name) == 0)
			return true;
	return false;
}

int lp_http_do(lp_http *h, const lp_http_request *req, lp_http_response *resp)
{
	CURL *c = h->curl;
	resp->status = 0;
	resp->error[0] = '\0';
	lp_buf_reset(&resp->body);
	h->errbuf[0] = '\0';

	/* Reset clears the previous request's method and body options but keeps
	 * the live connections. */
	curl_easy_reset(c);
	set_base_options(h);
	curl_easy_setopt(c, CURLOPT_URL, req->url);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &resp->body);

	const char *body = req->body;
	size_t body_len = req->body ? req->body_len : 0;
	bool gz = false;
	if (req->gzip_level > 0 && body_len > 0) {
		int rc = gzip_body(&h->gz, body, body_len, req->gzip_level);
		if (rc < 0) {
			snprintf(resp->error, sizeof(resp->error), "compressing the request body failed");
			return rc;
		}
		body = h->gz.data;
		body_len = h->gz.len;
		gz = true;
	}

	const char *m = req->method ? req->method : "GET";
	if (strcmp(m, "HEAD") == 0) {
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	} else if (strcmp(m, "GET") == 0 && !body) {
		curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
	} else {
		bool sends_body = body || strcmp(m, "POST") == 0 || strcmp(m, "PUT") == 0 ||
				  strcmp(m, "PATCH") == 0;
		if (sends_body) {
			curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
			curl_easy_setopt(c, CURLOPT_POSTFIELDS, body ? body : "");
		}
		if (strcmp(m, "POST") != 0)
			curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, m);
	}

	struct curl_slist *hdrs = build_headers(req, gz);
	/* Without a Content-Type of the caller's, do not claim a form body. */
	if (body && !has_header(req, "Content-Type"))
		hdrs = curl_slist_append(hdrs, "Content-Type:");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);

	CURLcode cc = curl_easy_perform(c);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
	curl_slist_free_all(hdrs);
	/* Do not keep a large compressed body around between requests. */
	if (h->gz.cap > (1u << 22))
		lp_buf_fini(&h->gz);

	if (cc != CURLE_OK) {
		const char *text = h->errbuf[0] ? h->errbuf : curl_easy_strerror(cc);
		snprintf(resp->error, sizeof(resp->error), "%s", text);
		resp->status = 0;
		return map_curl_error(cc);
	}
	long status = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	resp->status = status;
	if (status == 0) {
		snprintf(resp->error, sizeof(resp->error), "no HTTP status received");
		return LP_EIO;
	}
	lp_buf_str(&resp->body);
	return 0;
}

char *lp_http_redact_url(const char *url)
{
	if (!url)
		return lp_strdup("");
	const char *auth = strstr(url, "://");
	auth = auth ? auth + 3 : url;
	size_t alen = strcspn(auth, "/?#");
	const char *at = NULL;
	for (const char *p = auth; p < auth + alen; p++)
		if (*p == '@')
			at = p;
	if (!at)
		return lp_strdup(url);
	const char *colon = memchr(auth, ':', (size_t)(at - auth));
	if (!colon)
		return lp_strdup(url);
	lp_buf b = LP_BUF_INIT;
	lp_buf_add(&b, url, (size_t)(colon + 1 - url));
	lp_buf_adds(&b, "xxxxxx");
	lp_buf_adds(&b, at);
	return b.data;
}

const char *const lp_http_verification_modes[] = { "full", "none", NULL };

static char *arg_dup(const lp_args *a, const char *name)
{
	const char *s = lp_args_isset(a, name) ? lp_args_str(a, name) : NULL;
	return s ? lp_strdup(s) : NULL;
}

void lp_http_opts_tls_from_args(lp_http_opts *o, lp_args *a)
{
	const char *mode = lp_args_str(a, "ssl_verification_mode");
	bool full = !mode || strcmp(mode, "none") != 0;
	o->verify_peer = full;
	o->verify_host = full;
	const lpj_t *cas = lp_args_get(a, "ssl_certificate_authorities");
	size_t n_cas = lpj_is_array(cas) ? lpj_array_size(cas) : 0;
	if (n_cas > 1)
		lp_args_error_item(a, "ssl_certificate_authorities", 1,
				   "logpipe takes one certificate authorities file; "
				   "concatenate the PEM files into one");
	if (n_cas > 0)
		o->ca_file = lp_strdup(lp_args_item_str(a, "ssl_certificate_authorities", 0));
	else
		o->ca_file = arg_dup(a, "cacert");
	o->cert_file = arg_dup(a, "ssl_certificate");
	if (!o->cert_file)
		o->cert_file = arg_dup(a, "client_cert");
	o->key_file = arg_dup(a, "ssl_key");
	if (!o->key_file)
		o->key_file = arg_dup(a, "client_key");
	if (!o->cert_file != !o->key_file)
		lp_args_error(a, o->cert_file ? "ssl_certificate" : "ssl_key",
			      "ssl_certificate and ssl_key must be given together");
	static const char *const stores[] = { "ssl_keystore_path", "ssl_truststore_path", "keystore",
					      "truststore" };
	for (size_t i = 0; i < sizeof(stores) / sizeof(*stores); i++)
		if (lp_args_isset(a, stores[i]))
			lp_args_error(a, stores[i],
				      "Java key stores are not supported; use PEM files with "
				      "ssl_certificate, ssl_key and ssl_certificate_authorities");
}
