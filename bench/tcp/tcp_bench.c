// SPDX-License-Identifier: GPL-2.0
/*
 * TCP bulk transfer over loopback inside the guest: a child process
 * receives, the parent sends MIB mebibytes in 64 KiB writes.  Prints the
 * guest time per MiB; under QEMU -icount that is instructions per MiB.
 * Both processes run on CPU 0: with the two ends on two vCPUs, which QEMU
 * runs in turns under -icount, the figure moved by 0.5% from boot to boot.
 *
 * usage: tcp_bench [MIB]
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CHUNK (64 * 1024)

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
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

int main(int argc, char **argv)
{
	static char buf[CHUNK];
	unsigned long mib = argc > 1 ? strtoul(argv[1], NULL, 0) : 64;
	unsigned long long total = (unsigned long long)mib << 20, sent = 0;
	unsigned long long t0, t1;
	struct sockaddr_in a;
	socklen_t alen = sizeof(a);
	cpu_set_t cpus;
	int ls, s, status;
	pid_t pid;

	if (!mib) {
		fprintf(stderr, "usage: %s [MIB > 0]\n", argv[0]);
		return 2;
	}
	CPU_ZERO(&cpus);
	CPU_SET(0, &cpus);
	if (sched_setaffinity(0, sizeof(cpus), &cpus)) {
		perror("sched_setaffinity");
		return 1;
	}
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ls = socket(AF_INET, SOCK_STREAM, 0);
	if (ls < 0 || bind(ls, (struct sockaddr *)&a, sizeof(a)) ||
	    listen(ls, 1) || getsockname(ls, (struct sockaddr *)&a, &alen)) {
		perror("listen");
		return 1;
	}
	pid = fork();
	if (pid < 0) {
		perror("fork");
		return 1;
	}
	if (!pid)
		return receiver(ls, total);

	memset(buf, 0x5a, sizeof(buf));
	s = socket(AF_INET, SOCK_STREAM, 0);
	t0 = now_ns();
	if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof(a))) {
		perror("connect");
		return 1;
	}
	while (sent < total) {
		ssize_t n = write(s, buf, sizeof(buf));

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
	t1 = now_ns();
	printf("page_frag_bench: case tcp_loopback loops %lu total_ns %llu net_ns %llu per_op_ns %llu.00\n",
	       mib, t1 - t0, t1 - t0, (t1 - t0) / mib);
	return 0;
}
