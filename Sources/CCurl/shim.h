#include <curl/curl.h>
#include <sys/socket.h>

// curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call: these typed
// wrappers pass one argument of the type each option documents.
static inline CURLcode ccurl_global_init(void) { return curl_global_init(CURL_GLOBAL_DEFAULT); }
static inline CURLcode ccurl_setopt_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode ccurl_setopt_offset(CURL *h, CURLoption o, curl_off_t v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode ccurl_setopt_string(CURL *h, CURLoption o, const char *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode ccurl_setopt_pointer(CURL *h, CURLoption o, void *v) { return curl_easy_setopt(h, o, v); }

typedef size_t (*ccurl_data_callback)(char *data, size_t size, size_t count, void *user);
typedef curl_socket_t (*ccurl_opensocket_callback)(void *user, curlsocktype purpose, struct curl_sockaddr *address);

static inline CURLcode ccurl_setopt_write_function(CURL *h, ccurl_data_callback f) {
    return curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, f);
}
static inline CURLcode ccurl_setopt_header_function(CURL *h, ccurl_data_callback f) {
    return curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, f);
}
static inline CURLcode ccurl_setopt_opensocket_function(CURL *h, ccurl_opensocket_callback f) {
    return curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, f);
}
static inline CURLcode ccurl_getinfo_long(CURL *h, CURLINFO i, long *v) { return curl_easy_getinfo(h, i, v); }

// The resolved address libcurl is about to connect to; `addr` is declared as a struct
// sockaddr but holds `addrlen` bytes (a sockaddr_in6 for IPv6), so it is read in place.
static inline const struct sockaddr *ccurl_sockaddr(const struct curl_sockaddr *a) { return &a->addr; }
static inline unsigned int ccurl_sockaddr_length(const struct curl_sockaddr *a) { return a->addrlen; }
