// SPDX-License-Identifier: GPL-2.0
/*
 * TCP transfer inside the guest, one way: a child process receives, the
 * parent sends MIB mebibytes, in 64 KiB writes (bulk) or in writes of
 * 1..100 bytes with Nagle on (--small: the kernel coalesces them into
 * the fragment it carved last).  Prints the guest time per MiB; under
 * QEMU -icount that is instructions per MiB.
 *
 * One transfer first that is not counted (the first one of a boot costs
 * far more than the next ones, and varies more: slabs, page tables and
 * the page allocator's lists are still growing), then --runs transfers (5 by default), a new connection
 * each; the figure is their median, and the spread and the pages the
 * page allocator handed out per MiB (both ends) are printed beside it.
 *
 * Over loopback by default (IPv4, or IPv6 with -6).  With --peer ADDR
 * --netns PATH the receiver listens on ADDR in the network namespace
 * PATH (tests/plan/bench sets up two NICs on a QEMU hub, one moved into
 * its own namespace), so the bytes leave through one NIC's transmit path
 * and come back through the other's receive path.
 *
 * Both processes run on CPU 0: with the two ends on two vCPUs, which
 * QEMU runs in turns under -icount, the figure moved by 0.5% from boot
 * to boot.
 *
 * usage: tcp_bench [-6] [--small] [--runs N] [--mark] [--name CASE]
 *                  [--peer ADDR --netns PATH] [MIB]
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CHUNK		(64 * 1024)
#define SMALL_MAX	100
#define MAX_RUNS	99

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/*
 * Pages the page allocator handed out, all zones, from /proc/vmstat
 * (pgalloc_* count pages: an order-3 allocation adds 8).  0 when the
 * file cannot be read.
 */
static unsigned long long pages_allocated(void)
{
	unsigned long long n, sum = 0;
	char key[64];
	FILE *f;

	f = fopen("/proc/vmstat", "r");
	if (!f)
		return 0;
	while (fscanf(f, "%63s %llu", key, &n) == 2)
		if (!strncmp(key, "pgalloc_", 8))
			sum += n;
	fclose(f);
	return sum;
}

static int receiver(int ls, unsigned long long want)
{
	static char buf[CHUNK];
	unsigned long long got = 0;
	ssize_t n;
	int s;

	s = accept(ls, NULL, NULL);
	if (s < 0) {
		perror("accept");
		return 1;
	}
	while ((n = read(s, buf, sizeof(buf))) > 0)
		got += n;
	close(s);
	if (n < 0 || got != want) {
		fprintf(stderr, "received %llu of %llu bytes\n", got, want);
		return 1;
	}
	return 0;
}

static void usage(const char *me)
{
	fprintf(stderr, "usage: %s [-6] [--small] [--runs 1..%d] [--mark] [--name CASE] [--peer ADDR --netns PATH] [MIB > 0]\n",
		me, MAX_RUNS);
	exit(2);
}

/*
 * One transfer of @total bytes to the listener @ls at @a, a child process
 * receiving.  Stores the guest ns it took and the pages allocated meanwhile.
 */
static int transfer(int ls, const struct sockaddr_storage *a, socklen_t alen,
		    unsigned long long total, int small,
		    unsigned long long *ns, unsigned long long *pages,
		    long *waits)
{
	struct rusage r0, r1;
	static char buf[CHUNK];
	unsigned long long sent = 0, t0, p0;
	int s, status, zero = 0;
	pid_t pid;

	pid = fork();
	if (pid < 0) {
		perror("fork");
		return 1;
	}
	if (!pid)
		exit(receiver(ls, total));

	memset(buf, 0x5a, sizeof(buf));
	s = socket(a->ss_family, SOCK_STREAM, 0);
	p0 = pages_allocated();
	getrusage(RUSAGE_SELF, &r0);
	t0 = now_ns();
	if (s < 0 || connect(s, (const struct sockaddr *)a, alen)) {
		perror("connect");
		return 1;
	}
	setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &zero, sizeof(zero));
	while (sent < total) {
		size_t len = sizeof(buf);
		ssize_t n;

		if (small)
			len = 1 + (sent * 7919) % SMALL_MAX;
		if (len > total - sent)
			len = total - sent;
		n = write(s, buf, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			perror("write");
			return 1;
		}
		sent += n;
	}
	close(s);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		fprintf(stderr, "receiver failed\n");
		return 1;
	}
	*ns = now_ns() - t0;
	getrusage(RUSAGE_SELF, &r1);
	*pages = pages_allocated() - p0;
	*waits = r1.ru_nvcsw - r0.ru_nvcsw;
	return 0;
}

/*
 * With --mark, called before the measured runs and after them: a QEMU
 * plugin (bench/profile/insn_profile.c, make profile) counts the guest's
 * instructions between its two calls, found by its address (nm).
 */
__attribute__((noinline)) void profile_mark(void)
{
	__asm__ volatile("" ::: "memory");
}

static int cmp_ull(const void *a, const void *b)
{
	unsigned long long x = *(const unsigned long long *)a;
	unsigned long long y = *(const unsigned long long *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	const char *name = NULL, *peer = NULL, *netns = NULL;
	unsigned long long ns[MAX_RUNS], pages[MAX_RUNS], total, sum_ns = 0;
	unsigned long long warm_ns, warm_pages;
	long waits;
	unsigned long mib = 0, runs = 5;
	struct sockaddr_storage a;
	socklen_t alen = sizeof(a);
	int family = AF_INET, small = 0, mark = 0;
	int ls, i, own_ns = -1;
	cpu_set_t cpus;
	char dflt[32];

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-6"))
			family = AF_INET6;
		else if (!strcmp(argv[i], "--small"))
			small = 1;
		else if (!strcmp(argv[i], "--mark"))
			mark = 1;
		else if (!strcmp(argv[i], "--runs") && i + 1 < argc)
			runs = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--name") && i + 1 < argc)
			name = argv[++i];
		else if (!strcmp(argv[i], "--peer") && i + 1 < argc)
			peer = argv[++i];
		else if (!strcmp(argv[i], "--netns") && i + 1 < argc)
			netns = argv[++i];
		else if (argv[i][0] != '-' && !mib)
			mib = strtoul(argv[i], NULL, 0);
		else
			usage(argv[0]);
	}
	if (!mib)
		mib = 64;
	if (!peer != !netns || !runs || runs > MAX_RUNS)
		usage(argv[0]);
	if (peer && strchr(peer, ':'))
		family = AF_INET6;
	if (!name) {
		snprintf(dflt, sizeof(dflt), "tcp_%s%s", small ? "small" : "loopback",
			 family == AF_INET6 ? "6" : "");
		name = dflt;
	}
	total = (unsigned long long)mib << 20;

	CPU_ZERO(&cpus);
	CPU_SET(0, &cpus);
	if (sched_setaffinity(0, sizeof(cpus), &cpus)) {
		perror("sched_setaffinity");
		return 1;
	}
	memset(&a, 0, sizeof(a));
	if (family == AF_INET6) {
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&a;

		a6->sin6_family = AF_INET6;
		if (inet_pton(AF_INET6, peer ? peer : "::1", &a6->sin6_addr) != 1)
			usage(argv[0]);
	} else {
		struct sockaddr_in *a4 = (struct sockaddr_in *)&a;

		a4->sin_family = AF_INET;
		if (inet_pton(AF_INET, peer ? peer : "127.0.0.1", &a4->sin_addr) != 1)
			usage(argv[0]);
	}
	/* The listener is made in the receiver's namespace, and keeps it. */
	if (netns) {
		int fd = open(netns, O_RDONLY | O_CLOEXEC);

		own_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
		if (fd < 0 || own_ns < 0 || setns(fd, CLONE_NEWNET)) {
			perror(netns);
			return 1;
		}
		close(fd);
	}
	ls = socket(family, SOCK_STREAM, 0);
	if (ls < 0 || bind(ls, (struct sockaddr *)&a, sizeof(a)) ||
	    listen(ls, 1) || getsockname(ls, (struct sockaddr *)&a, &alen)) {
		perror("listen");
		return 1;
	}
	if (own_ns >= 0 && setns(own_ns, CLONE_NEWNET)) {
		perror("setns back");
		return 1;
	}

	if (transfer(ls, &a, alen, total, small, &warm_ns, &warm_pages, &waits))
		return 1;
	if (mark)
		profile_mark();
	for (i = 0; i < (int)runs; i++) {
		if (transfer(ls, &a, alen, total, small, &ns[i], &pages[i],
			     &waits))
			return 1;
		/* Each run, with the times the sender slept (for room). */
		printf("page_frag_bench: run %s %d ns_per_mib %llu pages_per_mib %.1f sender_waits %ld\n",
		       name, i, ns[i] / mib, (double)pages[i] / mib, waits);
		sum_ns += ns[i];
	}
	if (mark)
		profile_mark();
	qsort(ns, runs, sizeof(ns[0]), cmp_ull);
	qsort(pages, runs, sizeof(pages[0]), cmp_ull);
	printf("page_frag_bench: case %s loops %lu total_ns %llu net_ns %llu per_op_ns %llu.00\n",
	       name, mib * runs, sum_ns, sum_ns, ns[runs / 2] / mib);
	printf("page_frag_bench: spread %s runs %lu min %llu median %llu max %llu warmup %llu\n",
	       name, runs, ns[0] / mib, ns[runs / 2] / mib, ns[runs - 1] / mib,
	       warm_ns / mib);
	/* Both ends' allocations, and the rest of the guest's (little). */
	printf("page_frag_bench: pages %s per_mib %.1f warmup %.1f\n", name,
	       (double)pages[runs / 2] / mib, (double)warm_pages / mib);
	return 0;
}
