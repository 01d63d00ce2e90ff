/* The host's network interfaces through rtnetlink, as glibc reads them: if_nameindex,
   if_nametoindex/if_indextoname, getifaddrs (links and IPv4/IPv6 addresses with their masks)
   and a raw NETLINK_ROUTE socket's dump with its address and the kernel's sender port 0. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netdb.h>
#include <netpacket/packet.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static void addr(const char *label, struct sockaddr *sa) {
  char text[INET6_ADDRSTRLEN] = "-";
  if (sa == NULL) { printf(" %s=none", label); return; }
  if (sa->sa_family == AF_INET) inet_ntop(AF_INET, &((struct sockaddr_in *)sa)->sin_addr, text, sizeof text);
  else if (sa->sa_family == AF_INET6) inet_ntop(AF_INET6, &((struct sockaddr_in6 *)sa)->sin6_addr, text, sizeof text);
  else if (sa->sa_family == AF_PACKET) snprintf(text, sizeof text, "link(index %d)", ((struct sockaddr_ll *)sa)->sll_ifindex);
  printf(" %s=%s", label, text);
}

int main(void) {
  struct if_nameindex *ni = if_nameindex();
  if (ni == NULL) { printf("if_nameindex: %s\n", strerror(errno)); return 1; }
  for (struct if_nameindex *i = ni; i->if_index != 0; i++) {
    char back[IF_NAMESIZE];
    printf("interface %u %s: nametoindex %u, indextoname %s\n", i->if_index, i->if_name, if_nametoindex(i->if_name),
           if_indextoname(i->if_index, back));
  }
  /* The same interfaces through a socket's SIOCGIF* ioctls. */
  int sk = socket(AF_INET, SOCK_DGRAM, 0);
  for (struct if_nameindex *i = ni; i->if_index != 0; i++) {
    struct ifreq r;
    memset(&r, 0, sizeof r);
    strncpy(r.ifr_name, i->if_name, IFNAMSIZ - 1);
    int flags = ioctl(sk, SIOCGIFFLAGS, &r) == 0 ? r.ifr_flags : -1;
    int mtu = ioctl(sk, SIOCGIFMTU, &r) == 0 ? r.ifr_mtu : -1;
    int hw = ioctl(sk, SIOCGIFHWADDR, &r) == 0 ? r.ifr_hwaddr.sa_family : -1;
    printf("ioctl %s: up %d loopback %d, mtu %d, hardware type %d\n", i->if_name, (flags & IFF_UP) != 0, (flags & IFF_LOOPBACK) != 0, mtu, hw);
  }
  struct ifreq none;
  memset(&none, 0, sizeof none);
  strcpy(none.ifr_name, "no-such-if0");
  printf("SIOCGIFINDEX of no such interface: %d %s\n", ioctl(sk, SIOCGIFINDEX, &none), strerrorname_np(errno));
  close(sk);
  if_freenameindex(ni);
  printf("if_nametoindex of no such interface: %u\n", if_nametoindex("no-such-if0"));

  struct ifaddrs *ifa;
  if (getifaddrs(&ifa) != 0) { printf("getifaddrs: %s\n", strerror(errno)); return 1; }
  for (struct ifaddrs *i = ifa; i != NULL; i = i->ifa_next) {
    int fam = i->ifa_addr ? i->ifa_addr->sa_family : -1;
    printf("ifaddr %s family %d up %d loopback %d", i->ifa_name, fam, (i->ifa_flags & IFF_UP) != 0, (i->ifa_flags & IFF_LOOPBACK) != 0);
    addr("addr", i->ifa_addr);
    if (fam == AF_INET || fam == AF_INET6) addr("mask", i->ifa_netmask);
    if (fam == AF_INET && (i->ifa_flags & IFF_BROADCAST)) addr("broadcast", i->ifa_broadaddr);
    printf("\n");
  }
  freeifaddrs(ifa);

  struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_ADDRCONFIG | AI_NUMERICHOST }, *res;
  printf("getaddrinfo(127.0.0.1, AI_ADDRCONFIG): %s\n", getaddrinfo("127.0.0.1", "80", &hints, &res) == 0 ? "ok" : "failed");

  /* By hand: a dump request and the answers' framing. */
  int s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  struct sockaddr_nl local = { .nl_family = AF_NETLINK };
  printf("bind: %d\n", bind(s, (struct sockaddr *)&local, sizeof local));
  socklen_t ll = sizeof local;
  getsockname(s, (struct sockaddr *)&local, &ll);
  printf("getsockname: family %d, length %u, port is the pid: %d\n", local.nl_family, ll, local.nl_pid == (unsigned)getpid());
  struct { struct nlmsghdr h; struct rtgenmsg g; } req = {
    .h = { .nlmsg_len = sizeof req, .nlmsg_type = RTM_GETLINK, .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP, .nlmsg_seq = 77 },
    .g = { .rtgen_family = AF_UNSPEC },
  };
  struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
  printf("sendto the kernel: %zd\n", sendto(s, &req, sizeof req, 0, (struct sockaddr *)&kernel, sizeof kernel));
  int links = 0, done = 0;
  while (!done) {
    char buf[16384];
    struct sockaddr_nl from;
    socklen_t fl = sizeof from;
    ssize_t n = recvfrom(s, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
    if (n <= 0) { printf("recv: %zd %s\n", n, strerror(errno)); break; }
    if (from.nl_pid != 0) printf("a message not from the kernel\n");
    for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
      if (h->nlmsg_seq != 77) printf("wrong sequence number %u\n", h->nlmsg_seq);
      if (h->nlmsg_type == NLMSG_DONE) done = 1;
      else if (h->nlmsg_type == RTM_NEWLINK) links++;
    }
  }
  printf("RTM_NEWLINK messages: %d (as many as interfaces)\n", links);
  close(s);
  printf("a netlink family that is not served: %s\n", socket(AF_NETLINK, SOCK_RAW, 31) < 0 ? strerrorname_np(errno) : "opened");
  return 0;
}
