"""Which network addresses an import may connect to: public ones only.

An import fetches whatever address an administrator typed, or a feed redirects to, from
inside the server's network. Without a check it could read internal services and cloud
metadata, or map the network by its error messages. So every address a host name
resolves to must be public; `THROUGHLINE_IMPORT_ALLOW_NETWORKS` opens chosen networks
(a calendar server on the intranet, or 127.0.0.1 for tests).
"""

from __future__ import annotations

from collections.abc import Iterable
from ipaddress import IPv4Address, IPv6Address, ip_address, ip_network

IPAddress = IPv4Address | IPv6Address

DENIED_NETWORKS = tuple(
    ip_network(network)
    for network in (
        "0.0.0.0/8",  # "this network", unspecified
        "10.0.0.0/8",
        "100.64.0.0/10",  # carrier-grade NAT (Alibaba Cloud's metadata at 100.100.100.200)
        "127.0.0.0/8",
        "169.254.0.0/16",  # link-local, the metadata service of most clouds
        "172.16.0.0/12",
        "192.0.0.0/24",  # protocol assignments (Oracle Cloud's metadata at 192.0.0.192)
        "192.0.2.0/24",
        "192.88.99.0/24",
        "192.168.0.0/16",
        "198.18.0.0/15",
        "198.51.100.0/24",
        "203.0.113.0/24",
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, and the broadcast address
        "168.63.129.16/32",  # Azure's platform endpoint, public but internal
        "::/128",
        "::1/128",
        "100::/64",
        "2001::/23",  # protocol assignments, Teredo
        "2001:db8::/32",
        "2002::/16",  # 6to4
        "fc00::/7",  # unique local (AWS's IPv6 metadata at fd00:ec2::254)
        "fe80::/10",  # link-local
        "fec0::/10",  # site-local
        "ff00::/8",  # multicast
    )
)
EMBEDDING_IPV4 = tuple(ip_network(n) for n in ("::ffff:0:0/96", "64:ff9b::/96", "::/96"))
"""IPv6 forms that carry an IPv4 address in their last 32 bits (mapped, NAT64, the old
compatible form): judged as that IPv4 address."""


def parse_networks(text: str) -> tuple:
    """`10.1.0.0/16, 127.0.0.1` as networks; ValueError naming the one that is not."""
    networks = []
    for item in text.split(","):
        if item.strip():
            networks.append(ip_network(item.strip(), strict=False))
    return tuple(networks)


def effective(address: IPAddress) -> IPAddress:
    """The address that is really reached: the IPv4 address inside an IPv6 form."""
    if isinstance(address, IPv6Address) and address.scope_id is None:
        for network in EMBEDDING_IPV4:
            if address in network and address not in (ip_address("::"), ip_address("::1")):
                return IPv4Address(int(address) & 0xFFFFFFFF)
    return address


def permitted(address: IPAddress, allowed: Iterable = ()) -> bool:
    """Whether an import may connect to `address`."""
    address = effective(address)
    plain = ip_address(str(address).split("%")[0])
    if any(plain.version == n.version and plain in n for n in allowed):
        return True
    if any(plain.version == n.version and plain in n for n in DENIED_NETWORKS):
        return False
    return plain.is_global
