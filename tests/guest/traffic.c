// SPDX-License-Identifier: GPL-2.0
/*
 * traffic: move pseudo-random bytes through the network stack and check
 * every one of them at the far end.  Written for the page_frag workbench
 * (tests/traffic.sh, tests/guest/traffic.sh): the TCP send path, the UDP
 * ip_append_data / ip6_append_data path (MSG_MORE, UDP_CORK) and a NIC's
 * receive path all carve their buffers out of page fragments.
 *
 * Both ends live in this one process, single-threaded, on non-blocking
 * sockets driven by poll(): the server's sockets may be created in
 * another network namespace (--netns), which they keep after the process
 * goes back to its own.  Each direction of a stream is a xorshift64*
 * sequence from the seed; the receiver generates the same sequence and
 * compares every byte, and both ends keep a CRC32 of what they sent and
 * what they got, which must match.
 *
 * usage: traffic CASE [options]          (traffic --help for the options)
 *   CASE  tcp-bulk   TCP, large writes, both directions at once
 *         tcp-small  TCP, writes of 1..100 bytes, Nagle on (the kernel
 *                    coalesces them into the previous fragment)
 *         udp-more   UDP datagrams, each from several sends with MSG_MORE
 *         udp-cork   the same under UDP_CORK
 *         churn      --count threads, one after the other, each opening a
 *                    TCP connection over loopback, moving --bytes each way
 *                    (small writes one way, one write back), checking
 *                    them, closing and exiting; the free memory before
 *                    and after (MemFree and the per-CPU free lists) must
 *                    match within --leak-max bytes, so a task or socket
 *                    that dies without giving its page fragment back is
 *                    caught
 *
 * Prints one line on success:
 *   # traffic NAME bytes=C2S/S2C csum=C2S/S2C time=Ts mib_s=M errors=E
 *     [dgrams=TRIED/GOT lost=L send_errors=S] failures_injected=F verdict=ok
 * (one line; C2S: client to server, S2C: server to client, the bytes
 * that arrived and were checked; csum is the CRC32 of the stream, the
 * same at both ends; for UDP, the sum of the CRC32s of the datagrams
 * that arrived, computed at both ends; mib_s counts both directions;
 * errors are send/recv calls that failed, allowed only with --fail-prob;
 * failures_injected is what fail_page_alloc's "times" lost during the
 * transfer: every page allocation it failed in the guest, n/a without
 * fail_page_alloc or with times=-1).
 * On any mismatch, loss where none is allowed, error, or stall: one line
 * "traffic NAME FAIL: ..." and exit status 1.  Exit 2: bad usage.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#ifndef UDP_CORK
#define UDP_CORK 1
#endif

#define CHUNK		(64 * 1024)	/* bulk write and every read */
#define SMALL_MAX	100		/* largest small write */
#define SMALL_BATCH	256		/* small writes per wakeup at most */
#define UDP_HDR		24
#define UDP_MAGIC	0x50465455u	/* "PFTU" */
#define UDP_MAX		65000		/* receive buffer for a datagram */
#define FIP		"/sys/kernel/debug/fail_page_alloc/"

enum mode { TCP_BULK, TCP_SMALL, UDP_MORE, UDP_CORK_MODE, CHURN };

static struct opts {
	enum mode mode;
	const char *name;
	int family;
	const char *local, *peer, *netns;
	int port;
	uint64_t seed;
	uint64_t bytes;		/* TCP: each way */
	uint32_t count;		/* UDP: datagrams */
	uint32_t max_dgram;	/* UDP: largest payload */
	uint32_t burst;		/* UDP: datagrams in flight */
	int oneway;
	int lossy;
	int fail_prob;		/* -1: leave fail_page_alloc alone */
	int corrupt;
	uint64_t corrupt_off;
	int corrupt_off_set;
	double stall;		/* seconds without progress */
	double deadline;	/* seconds in all */
	uint64_t leak_max;	/* churn: bytes of free memory it may lose */
} o = {
	.family = AF_INET,
	.port = 5201,
	.seed = 0x5eed2024,
	.fail_prob = -1,
	.stall = 30,
	.deadline = 600,
	.burst = 32,
};

/* ---- failing ---- */

static int fip_set;	/* we raised the probability: put it back at exit */

static int fip_read(const char *file, char *buf, size_t size)
{
	char path[128];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), FIP "%s", file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	return 0;
}

/*
 * Set a knob and read it back: while the probability is up, the open()
 * or the write() may fail for want of a page themselves, and a
 * probability left up would starve the rest of the guest.
 */
static int fip_write(const char *file, const char *val)
{
	char path[128], buf[32];
	int fd, tries;

	snprintf(path, sizeof(path), FIP "%s", file);
	for (tries = 0; tries < 10000; tries++) {
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0 && errno == ENOENT)
			return -1;
		if (fd >= 0) {
			if (write(fd, val, strlen(val)) < 0) {
				/* tried again below */
			}
			close(fd);
		}
		if (!fip_read(file, buf, sizeof(buf)) && atoll(buf) == atoll(val))
			return 0;
		usleep(1000);
	}
	return -1;
}

static void fail(const char *fmt, ...)
{
	va_list ap;

	if (fip_set)
		fip_write("probability", "0");
	printf("traffic %s FAIL: ", o.name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	exit(1);
}

static void usage(int rc)
{
	FILE *f = rc ? stderr : stdout;

	fprintf(f,
"usage: traffic CASE [options]\n"
"  CASE: tcp-bulk | tcp-small | udp-more | udp-cork\n"
"  -4 | -6             address family (default -4)\n"
"  --name NAME         name in the result line (default: CASE)\n"
"  --local ADDR        the client's address (default: loopback)\n"
"  --peer ADDR         the server's address (default: loopback)\n"
"  --netns PATH        create the server's sockets in this network namespace\n"
"  --port N            server port (default 5201)\n"
"  --seed N            PRNG seed (default 0x5eed2024)\n"
"  --bytes N[K|M]      TCP: bytes each way (default 64M bulk, 4M small)\n"
"  --oneway            TCP: client to server only\n"
"  --count N           UDP: datagrams (default 4000); churn: threads (1000)\n"
"  --max-dgram N       UDP: largest payload in bytes (default 8000)\n"
"  --burst N           UDP: datagrams sent before waiting for them (32)\n"
"  --lossy             UDP: datagrams may be lost (counted), never corrupted\n"
"  --fail-prob PCT     fail_page_alloc's probability during the transfer\n"
"                      (set up the other knobs first); send/recv errors\n"
"                      are then allowed and counted, and UDP may lose\n"
"  --corrupt[=OFF]     flip one byte of the client's stream after its\n"
"                      checksum was taken (TCP: stream offset OFF, default\n"
"                      the middle; UDP: datagram OFF, default the middle):\n"
"                      the run must fail\n"
"  --leak-max N[K|M]   churn: free memory it may lose (default 2 KiB a thread)\n"
"  --stall S           fail when nothing moves for S seconds (default 30)\n"
"  --deadline S        fail after S seconds in all (default 600)\n");
	exit(rc);
}

/* ---- time ---- */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- CRC32 (IEEE 802.3, reflected), eight bytes a step ---- */

static uint32_t crc_tab[8][256];

static void crc_init(void)
{
	uint32_t c;
	int i, j;

	for (i = 0; i < 256; i++) {
		c = i;
		for (j = 0; j < 8; j++)
			c = (c >> 1) ^ (0xedb88320u & -(c & 1));
		crc_tab[0][i] = c;
	}
	for (i = 0; i < 256; i++)
		for (j = 1; j < 8; j++)
			crc_tab[j][i] = (crc_tab[j - 1][i] >> 8) ^
					crc_tab[0][crc_tab[j - 1][i] & 0xff];
}

/* Running CRC: start with 0, feed pieces, the value is the CRC so far. */
static uint32_t crc32_update(uint32_t crc, const unsigned char *p, size_t n)
{
	uint32_t c = ~crc;
	uint32_t lo, hi;

	while (n && ((uintptr_t)p & 7)) {
		c = (c >> 8) ^ crc_tab[0][(c ^ *p++) & 0xff];
		n--;
	}
	while (n >= 8) {
		memcpy(&lo, p, 4);
		memcpy(&hi, p + 4, 4);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
		lo = __builtin_bswap32(lo);
		hi = __builtin_bswap32(hi);
#endif
		lo ^= c;
		c = crc_tab[7][lo & 0xff] ^ crc_tab[6][(lo >> 8) & 0xff] ^
		    crc_tab[5][(lo >> 16) & 0xff] ^ crc_tab[4][lo >> 24] ^
		    crc_tab[3][hi & 0xff] ^ crc_tab[2][(hi >> 8) & 0xff] ^
		    crc_tab[1][(hi >> 16) & 0xff] ^ crc_tab[0][hi >> 24];
		p += 8;
		n -= 8;
	}
	while (n--)
		c = (c >> 8) ^ crc_tab[0][(c ^ *p++) & 0xff];
	return ~c;
}

/* ---- PRNG: xorshift64*, a byte stream of its words, low byte first ---- */

struct gen {
	uint64_t s;
	uint64_t word;
	unsigned int left;	/* bytes of word not handed out yet */
};

static uint64_t splitmix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static void gen_init(struct gen *g, uint64_t seed)
{
	g->s = splitmix(seed) | 1;	/* never zero */
	g->left = 0;
}

static uint64_t gen_next(struct gen *g)
{
	uint64_t x = g->s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	g->s = x;
	return x * 0x2545f4914f6cdd1dull;
}

static void gen_fill(struct gen *g, unsigned char *p, size_t n)
{
	uint64_t w;

	while (n && g->left) {
		*p++ = g->word & 0xff;
		g->word >>= 8;
		g->left--;
		n--;
	}
	while (n >= 8) {
		w = gen_next(g);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
		w = __builtin_bswap64(w);
#endif
		memcpy(p, &w, 8);
		p += 8;
		n -= 8;
	}
	if (n) {
		g->word = gen_next(g);
		g->left = 8;
		while (n--) {
			*p++ = g->word & 0xff;
			g->word >>= 8;
			g->left--;
		}
	}
}

/* ---- addresses and sockets ---- */

static socklen_t mkaddr(struct sockaddr_storage *ss, const char *a, int port)
{
	memset(ss, 0, sizeof(*ss));
	if (o.family == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		if (inet_pton(AF_INET, a, &s4->sin_addr) != 1)
			fail("bad IPv4 address '%s'", a);
		return sizeof(*s4);
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		if (inet_pton(AF_INET6, a, &s6->sin6_addr) != 1)
			fail("bad IPv6 address '%s'", a);
		return sizeof(*s6);
	}
}

static int mksock(int type)
{
	int fd = socket(o.family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int one = 1;

	if (fd < 0)
		fail("socket: %s", strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	return fd;
}

/*
 * Sockets of the server end: made in the namespace of --netns, which
 * they keep once this process has gone back to its own.
 */
static int orig_ns = -1, peer_ns = -1;

static void enter_peer(void)
{
	if (!o.netns)
		return;
	if (orig_ns < 0) {
		orig_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
		peer_ns = open(o.netns, O_RDONLY | O_CLOEXEC);
		if (orig_ns < 0 || peer_ns < 0)
			fail("open %s: %s", orig_ns < 0 ? "/proc/self/ns/net" : o.netns,
			     strerror(errno));
	}
	if (setns(peer_ns, CLONE_NEWNET))
		fail("setns %s: %s", o.netns, strerror(errno));
}

static void leave_peer(void)
{
	if (o.netns && setns(orig_ns, CLONE_NEWNET))
		fail("setns back: %s", strerror(errno));
}

static void bufsize(int fd, int opt_force, int opt, int bytes)
{
	if (setsockopt(fd, SOL_SOCKET, opt_force, &bytes, sizeof(bytes)))
		setsockopt(fd, SOL_SOCKET, opt, &bytes, sizeof(bytes));
}

static const char *loopback(void)
{
	return o.family == AF_INET ? "127.0.0.1" : "::1";
}

/* ---- fault injection: the probability during the transfer, the count ---- */

static long long fip_times(void)
{
	char buf[64];
	int tries;

	for (tries = 0; tries < 1000; tries++) {
		if (!fip_read("times", buf, sizeof(buf)))
			return strtoll(buf, NULL, 10);
		if (access(FIP "times", R_OK))
			return -1;
	}
	return -1;
}

static long long times0;

static void faults_on(void)
{
	char v[16];

	times0 = fip_times();
	if (o.fail_prob < 0)
		return;
	if (times0 < 0)
		fail("--fail-prob: %stimes is not readable (CONFIG_FAIL_PAGE_ALLOC, debugfs?)", FIP);
	snprintf(v, sizeof(v), "%d", o.fail_prob);
	fip_set = 1;
	if (fip_write("probability", v))
		fail("cannot set %sprobability", FIP);
}

/* "n/a", or the failures injected since faults_on() */
static const char *faults_off(void)
{
	static char buf[32];
	long long t;

	if (fip_set && fip_write("probability", "0")) {
		fip_set = 0;
		fail("cannot put %sprobability back to 0", FIP);
	}
	fip_set = 0;
	t = fip_times();
	if (times0 < 0 || t < 0 || times0 == -1 || t > times0)
		return "n/a";
	snprintf(buf, sizeof(buf), "%lld", times0 - t);
	return buf;
}

static int errors_allowed(void)
{
	return o.fail_prob > 0;
}

/* ---- TCP ---- */

struct dir {			/* one direction: what one end sends */
	const char *what;	/* "c->s", "s->c" */
	struct gen tx, rx;	/* the sender's and the receiver's generator */
	uint64_t total;
	uint64_t produced;	/* bytes generated and accounted by the sender */
	uint64_t sent;
	uint64_t got;
	uint32_t tx_crc, rx_crc;
	unsigned char *buf;	/* pending bytes of the sender */
	size_t off, len;
	struct gen sizes;	/* tcp-small: the write sizes */
	int tx_done, rx_done, aborted;
	int corrupt;
	uint64_t corrupt_off;
};

struct end {
	int fd;
	struct dir *out, *in;
};

static unsigned char *rxbuf, *expbuf;
static unsigned long errors;
static double last_progress;

static void dir_init(struct dir *d, const char *what, uint64_t seed, uint64_t total)
{
	memset(d, 0, sizeof(*d));
	d->what = what;
	gen_init(&d->tx, seed);
	gen_init(&d->rx, seed);
	gen_init(&d->sizes, seed ^ 0x5123e5ull);
	d->total = total;
	d->buf = malloc(CHUNK);
	if (!d->buf)
		fail("out of memory");
}

/* Make the next piece to send: generate, account, then maybe spoil it. */
static void produce(struct dir *d)
{
	size_t n;

	if (o.mode == TCP_SMALL)
		n = 1 + gen_next(&d->sizes) % SMALL_MAX;
	else
		n = CHUNK;
	if (n > d->total - d->produced)
		n = d->total - d->produced;
	gen_fill(&d->tx, d->buf, n);
	d->tx_crc = crc32_update(d->tx_crc, d->buf, n);
	if (d->corrupt && d->corrupt_off >= d->produced &&
	    d->corrupt_off < d->produced + n)
		d->buf[d->corrupt_off - d->produced] ^= 0x5a;
	d->produced += n;
	d->off = 0;
	d->len = n;
}

static void end_tx_done(struct end *e)
{
	e->out->tx_done = 1;
	if (shutdown(e->fd, SHUT_WR) && !e->out->aborted)
		fail("%s shutdown: %s", e->out->what, strerror(errno));
}

static void do_send(struct end *e)
{
	struct dir *d = e->out;
	int writes = o.mode == TCP_SMALL ? SMALL_BATCH : 8;
	ssize_t r;

	while (!d->tx_done && writes-- > 0) {
		if (d->off == d->len) {
			if (d->produced == d->total) {
				end_tx_done(e);
				return;
			}
			produce(d);
		}
		r = send(e->fd, d->buf + d->off, d->len - d->off,
			 MSG_DONTWAIT | MSG_NOSIGNAL);
		if (r < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
				return;
			if (!errors_allowed())
				fail("%s send after %" PRIu64 " bytes: %s",
				     d->what, d->sent, strerror(errno));
			printf("# traffic %s: %s send failed after %" PRIu64 " bytes: %s (counted)\n",
			       o.name, d->what, d->sent, strerror(errno));
			errors++;
			d->aborted = 1;
			end_tx_done(e);
			return;
		}
		d->off += r;
		d->sent += r;
		last_progress = now();
	}
}

static void check_bytes(struct dir *d, const unsigned char *p, size_t n)
{
	size_t i;

	gen_fill(&d->rx, expbuf, n);
	if (memcmp(p, expbuf, n)) {
		for (i = 0; i < n && p[i] == expbuf[i]; i++)
			;
		fail("%s byte mismatch at stream offset %" PRIu64
		     " (got 0x%02x, want 0x%02x)",
		     d->what, d->got + i, p[i], expbuf[i]);
	}
	d->rx_crc = crc32_update(d->rx_crc, p, n);
	d->got += n;
}

static void do_recv(struct end *e)
{
	struct dir *d = e->in;
	int reads = 16;
	ssize_t r;

	while (!d->rx_done && reads-- > 0) {
		r = recv(e->fd, rxbuf, CHUNK, MSG_DONTWAIT);
		if (r < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
				return;
			if (!errors_allowed())
				fail("%s recv after %" PRIu64 " bytes: %s",
				     d->what, d->got, strerror(errno));
			printf("# traffic %s: %s recv failed after %" PRIu64 " bytes: %s (counted)\n",
			       o.name, d->what, d->got, strerror(errno));
			errors++;
			d->rx_done = 1;
			d->aborted = 1;
			return;
		}
		if (r == 0) {
			d->rx_done = 1;
			if (d->got > d->total)
				fail("%s: %" PRIu64 " bytes arrived, %" PRIu64 " were sent",
				     d->what, d->got, d->total);
			if (d->got != d->sent && !d->aborted)
				fail("%s: end of stream after %" PRIu64 " of %" PRIu64 " bytes",
				     d->what, d->got, d->total);
			return;
		}
		if (d->got + r > d->sent)
			fail("%s: %" PRIu64 " bytes arrived, %" PRIu64 " were sent",
			     d->what, d->got + r, d->sent);
		check_bytes(d, rxbuf, r);
		last_progress = now();
	}
}

static void tcp_connect(int *cfd, int *sfd)
{
	struct sockaddr_storage sa, la;
	socklen_t sl, ll;
	struct pollfd p[2];
	int lfd, c, s = -1, zero = 0, err;
	socklen_t el = sizeof(err);
	double t0 = now();

	sl = mkaddr(&sa, o.peer, o.port);
	enter_peer();
	lfd = mksock(SOCK_STREAM);
	if (bind(lfd, (struct sockaddr *)&sa, sl))
		fail("bind %s port %d: %s", o.peer, o.port, strerror(errno));
	if (listen(lfd, 1))
		fail("listen: %s", strerror(errno));
	leave_peer();

	c = mksock(SOCK_STREAM);
	if (o.local) {
		ll = mkaddr(&la, o.local, 0);
		if (bind(c, (struct sockaddr *)&la, ll))
			fail("bind %s: %s", o.local, strerror(errno));
	}
	/* Nagle stays on: small writes are coalesced by the kernel. */
	setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &zero, sizeof(zero));
	if (connect(c, (struct sockaddr *)&sa, sl) && errno != EINPROGRESS)
		fail("connect %s port %d: %s", o.peer, o.port, strerror(errno));
	for (;;) {
		p[0].fd = lfd;
		p[0].events = POLLIN;
		p[1].fd = c;
		p[1].events = POLLOUT;
		if (poll(p, 2, 1000) < 0 && errno != EINTR)
			fail("poll: %s", strerror(errno));
		if (s < 0 && (p[0].revents & POLLIN)) {
			s = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
			if (s < 0 && errno != EAGAIN)
				fail("accept: %s", strerror(errno));
		}
		if (s >= 0 && (p[1].revents & (POLLOUT | POLLERR | POLLHUP)))
			break;
		if (now() - t0 > o.stall)
			fail("no connection to %s port %d within %.0f s", o.peer, o.port, o.stall);
	}
	if (getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &el) || err)
		fail("connect %s port %d: %s", o.peer, o.port, strerror(err));
	close(lfd);
	setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &zero, sizeof(zero));
	*cfd = c;
	*sfd = s;
}

static void report(uint64_t c2s, uint64_t s2c, const char *csum, double t,
		   const char *extra, const char *injected)
{
	printf("# traffic %s bytes=%" PRIu64 "/%" PRIu64 " csum=%s time=%.2fs mib_s=%.1f errors=%lu%s failures_injected=%s verdict=ok\n",
	       o.name, c2s, s2c, csum, t, (c2s + s2c) / 1048576.0 / (t > 0 ? t : 1e-9),
	       errors, extra, injected);
}

static void run_tcp(void)
{
	struct dir c2s, s2c;
	struct end ce, se, *ends[2] = { &ce, &se };
	struct pollfd p[2];
	double t0, t;
	const char *inj;
	char csum[32];
	int i, n;

	dir_init(&c2s, "c->s", o.seed ^ 0xc25ull, o.bytes);
	dir_init(&s2c, "s->c", o.seed ^ 0x52cull, o.oneway ? 0 : o.bytes);
	if (o.corrupt) {
		c2s.corrupt = 1;
		c2s.corrupt_off = o.corrupt_off_set ? o.corrupt_off : o.bytes / 2;
		if (c2s.corrupt_off >= o.bytes)
			fail("--corrupt=%" PRIu64 " is past the stream's end (%" PRIu64 " bytes)",
			     c2s.corrupt_off, o.bytes);
	}
	tcp_connect(&ce.fd, &se.fd);
	ce.out = &c2s;
	ce.in = &s2c;
	se.out = &s2c;
	se.in = &c2s;

	faults_on();
	t0 = last_progress = now();
	for (;;) {
		int busy = 0;

		for (i = 0; i < 2; i++) {
			struct end *e = ends[i];

			p[i].events = (e->out->tx_done ? 0 : POLLOUT) |
				      (e->in->rx_done ? 0 : POLLIN);
			/* a finished end would report POLLHUP for ever */
			p[i].fd = p[i].events ? e->fd : -1;
			p[i].revents = 0;
			busy |= p[i].events;
		}
		if (!busy)
			break;
		n = poll(p, 2, 1000);
		if (n < 0 && errno != EINTR)
			fail("poll: %s", strerror(errno));
		for (i = 0; i < 2 && n > 0; i++) {
			if (p[i].revents & (POLLIN | POLLERR | POLLHUP))
				do_recv(ends[i]);
			if (p[i].revents & (POLLOUT | POLLERR))
				do_send(ends[i]);
		}
		t = now();
		if (t - last_progress > o.stall)
			fail("stalled: nothing moved for %.0f s (c->s sent %" PRIu64 " got %" PRIu64
			     ", s->c sent %" PRIu64 " got %" PRIu64 " of %" PRIu64 ")",
			     o.stall, c2s.sent, c2s.got, s2c.sent, s2c.got, o.bytes);
		if (t - t0 > o.deadline)
			fail("deadline of %.0f s passed", o.deadline);
	}
	t = now() - t0;
	inj = faults_off();
	for (i = 0; i < 2; i++) {
		struct dir *d = i ? &s2c : &c2s;

		if (d->aborted)
			continue;
		if (d->got != d->total)
			fail("%s: %" PRIu64 " of %" PRIu64 " bytes arrived", d->what, d->got, d->total);
		if (d->tx_crc != d->rx_crc)
			fail("%s: checksum sent %08x, received %08x", d->what, d->tx_crc, d->rx_crc);
	}
	if (errors && !(c2s.aborted || s2c.aborted))
		fail("errors counted but no stream aborted");
	snprintf(csum, sizeof(csum), "%08x/%08x", c2s.rx_crc, s2c.rx_crc);
	close(ce.fd);
	close(se.fd);
	report(c2s.got, s2c.got, csum, t, "", inj);
}

/* ---- UDP: datagrams of several sends, checked one by one ---- */

struct dgram {
	uint32_t len;		/* payload bytes */
	int parts;		/* payload pieces */
	uint32_t cut[4];	/* ends of the pieces */
	uint64_t seed;
};

static void dgram_plan(struct dgram *g, uint32_t seq)
{
	struct gen r;
	uint32_t i, a, b, t;

	gen_init(&r, o.seed ^ ((uint64_t)seq << 20) ^ 0xd64ull);
	g->len = 1 + gen_next(&r) % o.max_dgram;
	g->parts = 1 + gen_next(&r) % 4;
	if ((uint32_t)g->parts > g->len)
		g->parts = g->len;
	/* parts - 1 cut points in 1..len-1, sorted (possibly equal: an
	 * empty send with MSG_MORE is a piece too) */
	for (i = 0; i + 1 < (uint32_t)g->parts; i++)
		g->cut[i] = 1 + gen_next(&r) % (g->len - 1 ? g->len - 1 : 1);
	for (a = 0; a + 1 < (uint32_t)g->parts; a++)
		for (b = a + 1; b + 1 < (uint32_t)g->parts; b++)
			if (g->cut[b] < g->cut[a]) {
				t = g->cut[a];
				g->cut[a] = g->cut[b];
				g->cut[b] = t;
			}
	g->cut[g->parts - 1] = g->len;
	g->seed = gen_next(&r);
}

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

static uint32_t get32(const unsigned char *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

enum { NOT_SENT, SENT, SEND_FAILED };

struct udp_state {
	uint32_t *crc;		/* per datagram, as the sender computed it */
	unsigned char *state;	/* per datagram: NOT_SENT, SENT, SEND_FAILED */
	unsigned char *seen;
	uint32_t got;		/* datagrams that arrived */
	uint32_t got_ok;	/* ... of those whose send succeeded */
	uint32_t sent_ok, send_errors;
	uint32_t failed_arrived;	/* a send failed, the datagram came all the same */
	uint64_t bytes_sent, bytes_got;
	uint32_t sum_rx;	/* sum of the receiver's CRC32s */
};

/* Send one datagram: header, then its pieces; 0 or -1 (error, counted). */
static int udp_send_one(int fd, uint32_t seq, struct udp_state *st, unsigned char *pay)
{
	unsigned char hdr[UDP_HDR];
	struct dgram g;
	struct gen gg;
	uint32_t crc, start = 0;
	int i, flags, one = 1, zero = 0;
	ssize_t r;

	dgram_plan(&g, seq);
	gen_init(&gg, g.seed);
	gen_fill(&gg, pay, g.len);
	crc = crc32_update(0, pay, g.len);
	st->crc[seq] = crc;
	if (o.corrupt && seq == o.corrupt_off)
		pay[g.len / 2] ^= 0x5a;
	memset(hdr, 0, sizeof(hdr));
	put32(hdr, UDP_MAGIC);
	put32(hdr + 4, seq);
	put32(hdr + 8, g.len);
	put32(hdr + 12, crc);
	put32(hdr + 16, g.parts);
	put32(hdr + 20, crc32_update(0, hdr, 20));

	if (o.mode == UDP_CORK_MODE &&
	    setsockopt(fd, IPPROTO_UDP, UDP_CORK, &one, sizeof(one)))
		fail("UDP_CORK: %s", strerror(errno));
	flags = o.mode == UDP_MORE ? MSG_MORE : 0;
	r = send(fd, hdr, sizeof(hdr), flags | MSG_NOSIGNAL);
	for (i = 0; r >= 0 && i < g.parts; i++) {
		if (i == g.parts - 1)
			flags = 0;
		r = send(fd, pay + start, g.cut[i] - start, flags | MSG_NOSIGNAL);
		start = g.cut[i];
	}
	/*
	 * On an error the kernel drops what was appended of this datagram
	 * (udp_flush_pending_frames), so none of it may go out; the rest of
	 * its pieces are not sent.
	 */
	if (o.mode == UDP_CORK_MODE &&
	    setsockopt(fd, IPPROTO_UDP, UDP_CORK, &zero, sizeof(zero)))
		fail("UDP_CORK off: %s", strerror(errno));
	if (r < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			fail("datagram %u: send timed out after %.0f s", seq, o.stall);
		if (!errors_allowed() && !(o.lossy && errno == ENOBUFS))
			fail("datagram %u: send: %s", seq, strerror(errno));
		if (st->send_errors < 5)
			printf("# traffic %s: datagram %u: send failed: %s (counted)\n",
			       o.name, seq, strerror(errno));
		st->send_errors++;
		st->state[seq] = SEND_FAILED;
		errors++;
		return -1;
	}
	st->state[seq] = SENT;
	st->sent_ok++;
	st->bytes_sent += g.len;
	return 0;
}

static void udp_check(const unsigned char *p, ssize_t n, struct udp_state *st)
{
	struct dgram g;
	struct gen gg;
	uint32_t seq, len, crc, i;

	if (n < UDP_HDR)
		fail("a datagram of %zd bytes, shorter than the header", n);
	if (get32(p) != UDP_MAGIC || get32(p + 20) != crc32_update(0, p, 20))
		fail("a datagram of %zd bytes with a bad header", n);
	seq = get32(p + 4);
	len = get32(p + 8);
	if (seq >= o.count || st->state[seq] == NOT_SENT)
		fail("datagram %u arrived before it was sent", seq);
	if (st->seen[seq])
		fail("datagram %u arrived twice", seq);
	dgram_plan(&g, seq);
	if (len != g.len || (ssize_t)len != n - UDP_HDR || get32(p + 16) != (uint32_t)g.parts)
		fail("datagram %u: %zd payload bytes, header says %u, want %u",
		     seq, n - UDP_HDR, len, g.len);
	gen_init(&gg, g.seed);
	gen_fill(&gg, expbuf, len);
	if (memcmp(p + UDP_HDR, expbuf, len)) {
		for (i = 0; p[UDP_HDR + i] == expbuf[i]; i++)
			;
		fail("datagram %u byte mismatch at payload offset %u (got 0x%02x, want 0x%02x)",
		     seq, i, p[UDP_HDR + i], expbuf[i]);
	}
	crc = crc32_update(0, p + UDP_HDR, len);
	if (crc != get32(p + 12) || crc != st->crc[seq])
		fail("datagram %u: checksum %08x, header %08x, sender %08x",
		     seq, crc, get32(p + 12), st->crc[seq]);
	st->seen[seq] = 1;
	st->got++;
	if (st->state[seq] == SENT)
		st->got_ok++;
	else
		st->failed_arrived++;
	st->bytes_got += len;
	st->sum_rx += crc;
	last_progress = now();
}

/* Receive until every datagram sent is in, or `quiet` seconds pass without one. */
static void udp_drain(int fd, struct udp_state *st, double quiet)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	double last = now();
	ssize_t n;

	while (st->got_ok < st->sent_ok) {
		n = recv(fd, rxbuf, UDP_MAX, MSG_DONTWAIT | MSG_TRUNC);
		if (n >= 0) {
			if (n > UDP_MAX)
				fail("a datagram of %zd bytes, larger than any sent", n);
			udp_check(rxbuf, n, st);
			last = now();
			continue;
		}
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
			if (!errors_allowed())
				fail("recv: %s", strerror(errno));
			errors++;
		}
		if (now() - last > quiet)
			return;
		if (poll(&p, 1, 50) < 0 && errno != EINTR)
			fail("poll: %s", strerror(errno));
	}
}

static void run_udp(void)
{
	struct sockaddr_storage sa, la;
	socklen_t sl, ll;
	struct timeval tv;
	struct udp_state st;
	unsigned char *pay;
	uint32_t seq, end, lost, sum_tx = 0, i;
	int s, c, lossy = o.lossy || errors_allowed();
	double t0, t, quiet = lossy ? 0.5 : o.stall;
	const char *inj;
	char csum[32], extra[96];

	if (o.max_dgram < 1 || o.max_dgram + UDP_HDR > UDP_MAX)
		fail("--max-dgram must be 1..%d", UDP_MAX - UDP_HDR);
	if (o.corrupt && !o.corrupt_off_set)
		o.corrupt_off = o.count / 2;
	memset(&st, 0, sizeof(st));
	st.crc = calloc(o.count, sizeof(*st.crc));
	st.seen = calloc(o.count, 1);
	st.state = calloc(o.count, 1);
	pay = malloc(UDP_MAX);
	if (!st.crc || !st.seen || !st.state || !pay)
		fail("out of memory");

	sl = mkaddr(&sa, o.peer, o.port);
	enter_peer();
	s = mksock(SOCK_DGRAM);
	bufsize(s, SO_RCVBUFFORCE, SO_RCVBUF, 8 << 20);
	if (bind(s, (struct sockaddr *)&sa, sl))
		fail("bind %s port %d: %s", o.peer, o.port, strerror(errno));
	leave_peer();

	c = socket(o.family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (c < 0)
		fail("socket: %s", strerror(errno));
	bufsize(c, SO_SNDBUFFORCE, SO_SNDBUF, 8 << 20);
	/* blocking sends, but never for ever */
	tv.tv_sec = (time_t)o.stall;
	tv.tv_usec = 0;
	setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (o.local) {
		ll = mkaddr(&la, o.local, 0);
		if (bind(c, (struct sockaddr *)&la, ll))
			fail("bind %s: %s", o.local, strerror(errno));
	}
	if (connect(c, (struct sockaddr *)&sa, sl))
		fail("connect %s port %d: %s", o.peer, o.port, strerror(errno));

	faults_on();
	t0 = last_progress = now();
	for (seq = 0; seq < o.count; seq = end) {
		end = seq + o.burst < o.count ? seq + o.burst : o.count;
		for (i = seq; i < end; i++)
			udp_send_one(c, i, &st, pay);
		udp_drain(s, &st, quiet);
		if (!lossy && st.got_ok < st.sent_ok) {
			for (i = 0; i < end && (st.seen[i] || st.state[i] != SENT); i++)
				;
			fail("datagram %u (and %u in all) did not arrive within %.0f s",
			     i, st.sent_ok - st.got_ok, o.stall);
		}
		if (now() - last_progress > o.stall)
			fail("stalled: no datagram arrived for %.0f s (%u of %u sent)",
			     o.stall, st.got, st.sent_ok);
		if (now() - t0 > o.deadline)
			fail("deadline of %.0f s passed", o.deadline);
	}
	t = now() - t0;
	/* stragglers of the last bursts */
	if (st.got_ok < st.sent_ok)
		udp_drain(s, &st, 1.0);
	inj = faults_off();
	lost = st.sent_ok - st.got_ok;
	if (lost && !lossy)
		fail("%u datagrams lost", lost);
	for (i = 0; i < o.count; i++)
		if (st.seen[i])
			sum_tx += st.crc[i];
	if (sum_tx != st.sum_rx)
		fail("checksum of the datagrams: sender %08x, receiver %08x", sum_tx, st.sum_rx);
	if (o.corrupt)
		fail("--corrupt: datagram %" PRIu64 " was spoiled but none was caught", o.corrupt_off);
	snprintf(csum, sizeof(csum), "%08x/-", st.sum_rx);
	snprintf(extra, sizeof(extra), " dgrams=%u/%u lost=%u send_errors=%u",
		 st.sent_ok + st.send_errors, st.got, lost, st.send_errors);
	if (st.failed_arrived)
		snprintf(extra + strlen(extra), sizeof(extra) - strlen(extra),
			 " failed_but_arrived=%u", st.failed_arrived);
	close(s);
	close(c);
	report(st.bytes_got, 0, csum, t, extra, inj);
}

/* ---- churn: short-lived threads and sockets must give their pages back ---- */

struct churn_arg {
	int lfd;
	struct sockaddr_storage sa;
	socklen_t sl;
	uint64_t seed;
	char err[160];
};

static int churn_fail(struct churn_arg *a, const char *what)
{
	snprintf(a->err, sizeof(a->err), "%s: %s", what, strerror(errno));
	return -1;
}

static int churn_write(int fd, uint64_t seed, size_t n, int small)
{
	unsigned char out[CHUNK];
	struct gen g;
	size_t sent = 0;
	ssize_t r;

	gen_init(&g, seed);
	gen_fill(&g, out, n);
	while (sent < n) {
		size_t len = n - sent;

		/* 1..SMALL_MAX bytes a write, Nagle on: the kernel coalesces */
		if (small && len > 1 + (sent * 7919) % SMALL_MAX)
			len = 1 + (sent * 7919) % SMALL_MAX;
		r = write(fd, out + sent, len);
		if (r <= 0)
			return -1;
		sent += r;
	}
	return 0;
}

/* 0 when the next @n bytes of @fd are the generator's from @seed. */
static const char *churn_read(int fd, uint64_t seed, size_t n)
{
	unsigned char in[CHUNK], exp[CHUNK];
	struct gen g;
	size_t got = 0;
	ssize_t r;

	while (got < n) {
		r = read(fd, in + got, n - got);
		if (r < 0)
			return strerror(errno);
		if (!r)
			return "early end of stream";
		got += r;
	}
	gen_init(&g, seed);
	gen_fill(&g, exp, n);
	return memcmp(in, exp, n) ? "byte mismatch" : NULL;
}

static size_t churn_bytes(void)
{
	return o.bytes > CHUNK ? CHUNK : o.bytes;
}

static void churn_close(int fd)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };

	/* a reset: no TIME_WAIT socket outlives the round */
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(fd);
}

/*
 * One thread's life, the client end: connect, send the bytes in small
 * writes (its task_frag carves them), read the server's bytes back and
 * check them, close and exit.  The main thread is the server end.
 */
static void *churn_thread(void *p)
{
	struct churn_arg *a = p;
	const char *why;
	int c, zero = 0;

	c = socket(a->sa.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c < 0) {
		churn_fail(a, "socket");
		return a;
	}
	setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &zero, sizeof(zero));
	if (connect(c, (struct sockaddr *)&a->sa, a->sl)) {
		churn_fail(a, "connect");
	} else if (churn_write(c, a->seed, churn_bytes(), 1)) {
		churn_fail(a, "write");
	} else if ((why = churn_read(c, ~a->seed, churn_bytes()))) {
		snprintf(a->err, sizeof(a->err), "client read: %s", why);
	} else {
		a->err[0] = 0;
	}
	churn_close(c);
	return a;
}

/* The value of "NAME: N kB" in /proc/meminfo, in bytes. */
static long long meminfo(const char *name)
{
	char line[128], key[64];
	long long kb = -1, v;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		fail("/proc/meminfo: %s", strerror(errno));
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63[^:]: %lld kB", key, &v) == 2 &&
		    !strcmp(key, name)) {
			kb = v;
			break;
		}
	fclose(f);
	if (kb < 0)
		fail("/proc/meminfo has no %s", name);
	return kb * 1024;
}

/* The pages on the per-CPU free lists of every zone, in bytes. */
static long long pcp_free(void)
{
	char line[160];
	long long pages = 0, n;
	FILE *f = fopen("/proc/zoneinfo", "r");

	if (!f)
		fail("/proc/zoneinfo: %s", strerror(errno));
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, " count: %lld", &n) == 1)
			pages += n;
	fclose(f);
	return pages * sysconf(_SC_PAGESIZE);
}

/*
 * The guest's free memory: MemFree, plus the free pages that the per-CPU
 * lists hold, which MemFree does not count and which come and go by a
 * few hundred pages a CPU with no leak at all.  The per-CPU differences
 * of the counters are folded first (vm.stat_refresh), or MemFree could
 * lag by their threshold.
 */
static long long mem_free(long long *pcp)
{
	int fd = open("/proc/sys/vm/stat_refresh", O_WRONLY);

	if (fd < 0 || write(fd, "1", 1) != 1)
		fail("/proc/sys/vm/stat_refresh: %s", strerror(errno));
	close(fd);
	*pcp = pcp_free();
	return meminfo("MemFree") + *pcp;
}

/*
 * Start @count threads one after the other, serve each (read its bytes,
 * check them, send as many back in one write) and wait for it to exit.
 */
static void churn_round(struct churn_arg *a, uint32_t count, uint64_t seed)
{
	const char *why;
	pthread_t t;
	uint32_t i;
	int e, s;

	for (i = 0; i < count; i++) {
		a->seed = seed + i;
		strcpy(a->err, "did not finish");
		e = pthread_create(&t, NULL, churn_thread, a);
		if (e)
			fail("pthread_create: %s", strerror(e));
		s = accept4(a->lfd, NULL, NULL, SOCK_CLOEXEC);
		if (s < 0)
			fail("accept: %s", strerror(errno));
		why = churn_read(s, a->seed, churn_bytes());
		if (why)
			fail("thread %u: server read: %s", i, why);
		if (churn_write(s, ~a->seed, churn_bytes(), 0))
			fail("thread %u: server write: %s", i, strerror(errno));
		pthread_join(t, NULL);
		churn_close(s);
		if (a->err[0])
			fail("thread %u: %s", i, a->err);
	}
}

static void run_churn(void)
{
	struct churn_arg a = { 0 };
	long long before, after, lost, pcp_before, pcp_after, slab_before;
	uint32_t warm = o.count < 64 ? o.count : 64;
	double t0;
	char extra[240];

	a.sl = mkaddr(&a.sa, o.peer, o.port);
	a.lfd = mksock(SOCK_STREAM);
	if (fcntl(a.lfd, F_SETFL, 0))
		fail("fcntl: %s", strerror(errno));
	if (bind(a.lfd, (struct sockaddr *)&a.sa, a.sl))
		fail("bind %s port %d: %s", o.peer, o.port, strerror(errno));
	if (listen(a.lfd, 4))
		fail("listen: %s", strerror(errno));
	/* Slab caches, per-CPU page lists and the like settle first. */
	churn_round(&a, warm, o.seed);
	sleep(1);
	before = mem_free(&pcp_before);
	slab_before = meminfo("Slab");
	t0 = now();
	churn_round(&a, o.count, o.seed + warm);
	t0 = now() - t0;
	sleep(1);
	after = mem_free(&pcp_after);
	close(a.lfd);
	lost = before - after;
	if (!o.leak_max)
		o.leak_max = (uint64_t)o.count * 2048;
	snprintf(extra, sizeof(extra),
		 " threads=%u free_before=%lldK free_after=%lldK lost=%lldK pcp=%lldK/%lldK slab_grew=%lldK",
		 o.count, before >> 10, after >> 10, lost >> 10, pcp_before >> 10,
		 pcp_after >> 10, (meminfo("Slab") - slab_before) >> 10);
	if (lost > (long long)o.leak_max)
		fail("%u threads lost %lld KiB of free memory (%lld bytes each), more than --leak-max %" PRIu64 " KiB",
		     o.count, lost >> 10, lost / o.count, o.leak_max >> 10);
	report((uint64_t)o.count * churn_bytes(), (uint64_t)o.count * churn_bytes(),
	       "n/a", t0, extra, "n/a");
}

/* ---- arguments ---- */

static uint64_t parse_size(const char *s)
{
	char *end;
	uint64_t v = strtoull(s, &end, 0);

	if (end == s)
		usage(2);
	switch (*end) {
	case 'k': case 'K': v <<= 10; end++; break;
	case 'm': case 'M': v <<= 20; end++; break;
	case 'g': case 'G': v <<= 30; end++; break;
	}
	if (*end)
		usage(2);
	return v;
}

static void self_check(void)
{
	static const unsigned char v[] = "123456789";
	unsigned char a[40], b[40];
	struct gen g1, g2;

	crc_init();
	if (crc32_update(0, v, 9) != 0xcbf43926u ||
	    crc32_update(crc32_update(0, v, 4), v + 4, 5) != 0xcbf43926u)
		fail("self-check: CRC32 of \"123456789\" is wrong");
	/* a stream is the same whatever the pieces it is made in */
	gen_init(&g1, 7);
	gen_init(&g2, 7);
	gen_fill(&g1, a, 40);
	gen_fill(&g2, b, 3);
	gen_fill(&g2, b + 3, 9);
	gen_fill(&g2, b + 12, 28);
	if (memcmp(a, b, 40))
		fail("self-check: the generator depends on how it is cut");
}

int main(int argc, char **argv)
{
	int i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	if (argc < 2)
		usage(2);
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))
		usage(0);
	o.name = argv[1];
	if (!strcmp(argv[1], "tcp-bulk"))
		o.mode = TCP_BULK;
	else if (!strcmp(argv[1], "tcp-small"))
		o.mode = TCP_SMALL;
	else if (!strcmp(argv[1], "udp-more"))
		o.mode = UDP_MORE;
	else if (!strcmp(argv[1], "udp-cork"))
		o.mode = UDP_CORK_MODE;
	else if (!strcmp(argv[1], "churn"))
		o.mode = CHURN;
	else
		usage(2);
	o.bytes = o.mode == TCP_BULK ? 64 << 20 : 4 << 20;
	o.count = o.mode == CHURN ? 1000 : 4000;
	if (o.mode == CHURN)
		o.bytes = 32 << 10;
	o.max_dgram = 8000;
	for (i = 2; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

#define ARG(n) (!strcmp(a, n) && (v || (usage(2), 0)) && ++i)
		if (!strcmp(a, "-4"))
			o.family = AF_INET;
		else if (!strcmp(a, "-6"))
			o.family = AF_INET6;
		else if (!strcmp(a, "--oneway"))
			o.oneway = 1;
		else if (!strcmp(a, "--lossy"))
			o.lossy = 1;
		else if (!strcmp(a, "--corrupt"))
			o.corrupt = 1;
		else if (!strncmp(a, "--corrupt=", 10)) {
			o.corrupt = 1;
			o.corrupt_off = parse_size(a + 10);
			o.corrupt_off_set = 1;
		} else if (ARG("--name"))
			o.name = v;
		else if (ARG("--local"))
			o.local = v;
		else if (ARG("--peer"))
			o.peer = v;
		else if (ARG("--netns"))
			o.netns = v;
		else if (ARG("--port"))
			o.port = atoi(v);
		else if (ARG("--seed"))
			o.seed = strtoull(v, NULL, 0);
		else if (ARG("--bytes"))
			o.bytes = parse_size(v);
		else if (ARG("--count"))
			o.count = parse_size(v);
		else if (ARG("--max-dgram"))
			o.max_dgram = parse_size(v);
		else if (ARG("--burst"))
			o.burst = parse_size(v);
		else if (ARG("--fail-prob"))
			o.fail_prob = atoi(v);
		else if (ARG("--leak-max"))
			o.leak_max = parse_size(v);
		else if (ARG("--stall"))
			o.stall = atof(v);
		else if (ARG("--deadline"))
			o.deadline = atof(v);
		else
			usage(2);
#undef ARG
	}
	if (!o.peer)
		o.peer = loopback();
	if (o.burst < 1 || o.count < 1 || o.stall <= 0)
		usage(2);
	self_check();
	rxbuf = malloc(UDP_MAX > CHUNK ? UDP_MAX : CHUNK);
	expbuf = malloc(UDP_MAX > CHUNK ? UDP_MAX : CHUNK);
	if (!rxbuf || !expbuf)
		fail("out of memory");
	/*
	 * Under fault injection a page fault of this process may fail and be
	 * retried; have every page it will touch in place before.
	 */
	if (o.fail_prob > 0)
		mlockall(MCL_CURRENT | MCL_FUTURE);
	if (o.mode == CHURN)
		run_churn();
	else if (o.mode == TCP_BULK || o.mode == TCP_SMALL)
		run_tcp();
	else
		run_udp();
	if (o.corrupt)
		fail("--corrupt: byte %" PRIu64 " was spoiled but nothing noticed", o.corrupt_off);
	return 0;
}
