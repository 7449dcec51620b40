//! IP address and CIDR range rules for the allow list of each environment.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::{IpNet, Ipv4Net, Ipv6Net};

use super::Environment;

/// Minimum IPv4 prefix length for live, so a live range contains at most
/// 256 addresses.
pub const LIVE_MIN_IPV4_PREFIX: u8 = 24;
/// Minimum IPv6 prefix length for live.
pub const LIVE_MIN_IPV6_PREFIX: u8 = 48;

/// Parses an IP address or CIDR range and checks it for an environment.
///
/// A bare address is read as a single-address range (/32 or /128). A range
/// must start at its first address, so `192.0.2.10/24` is rejected with a
/// message that suggests `192.0.2.0/24`.
///
/// For [`Environment::Live`], the range must also be public. Live rejects
/// private, loopback, link-local, multicast, unspecified, broadcast, shared
/// address space (100.64.0.0/10), reserved (240.0.0.0/4) and IPv4-mapped
/// IPv6 ranges. It also rejects IPv6 ranges outside global unicast
/// (2000::/3), IPv4 prefixes shorter than /24 and IPv6 prefixes shorter than
/// /48. Documentation ranges such as 192.0.2.0/24 and 2001:db8::/32 count as
/// public.
///
/// For [`Environment::Sandbox`], only the syntax and the start address are
/// checked, because the sandbox allow list may name test networks.
pub fn ip_range(input: &str, environment: Environment) -> Result<IpNet, String> {
    let value = input.trim();
    let net = parse_range(value)?;
    if environment == Environment::Live {
        if let Some(reason) = live_problem(value, net) {
            return Err(reason);
        }
    }
    Ok(net)
}

fn syntax_message(value: &str) -> String {
    if value.contains(':') {
        "Enter an IPv6 address like 2001:db8::7 or a range like 2001:db8:10::/48".to_string()
    } else {
        "Enter an IP address like 203.0.113.7 or a range like 203.0.113.0/24".to_string()
    }
}

fn parse_range(value: &str) -> Result<IpNet, String> {
    let (address_text, prefix_text) = match value.split_once('/') {
        Some((address, prefix)) => (address, Some(prefix)),
        None => (value, None),
    };
    let address: IpAddr = address_text.parse().map_err(|_| syntax_message(value))?;
    let max_prefix = match address {
        IpAddr::V4(_) => 32,
        IpAddr::V6(_) => 128,
    };
    let prefix = match prefix_text {
        None => max_prefix,
        Some(text) => text
            .parse::<u8>()
            .ok()
            .filter(|p| *p <= max_prefix && text.bytes().all(|b| b.is_ascii_digit()))
            .ok_or_else(|| format!("Enter a prefix length from 0 to {max_prefix} after the /"))?,
    };
    let net = IpNet::new(address, prefix).map_err(|_| syntax_message(value))?;
    if net.network() != address {
        return Err(format!(
            "Enter the range as {}, because a range must start at its first address",
            net.trunc()
        ));
    }
    Ok(net)
}

/// A range of addresses that cannot be a live server's public address.
struct SpecialRange {
    net: IpNet,
    /// Noun phrase that completes "{value} is in ...".
    description: &'static str,
}

fn v4(octets: [u8; 4], prefix: u8, description: &'static str) -> SpecialRange {
    let net = Ipv4Net::new(Ipv4Addr::from(octets), prefix).expect("prefix length is at most 32");
    SpecialRange {
        net: IpNet::V4(net),
        description,
    }
}

fn v6(address: Ipv6Addr, prefix: u8, description: &'static str) -> SpecialRange {
    let net = Ipv6Net::new(address, prefix).expect("prefix length is at most 128");
    SpecialRange {
        net: IpNet::V6(net),
        description,
    }
}

/// Returns the special-use ranges, most specific first so that
/// 255.255.255.255 is named as broadcast rather than reserved.
fn special_ranges() -> [SpecialRange; 16] {
    [
        v4([0, 0, 0, 0], 8, "the unspecified range 0.0.0.0/8"),
        v4([127, 0, 0, 0], 8, "the loopback range 127.0.0.0/8"),
        v4([10, 0, 0, 0], 8, "the private range 10.0.0.0/8"),
        v4([172, 16, 0, 0], 12, "the private range 172.16.0.0/12"),
        v4([192, 168, 0, 0], 16, "the private range 192.168.0.0/16"),
        v4([100, 64, 0, 0], 10, "the shared address space 100.64.0.0/10, which internet providers use inside their own networks"),
        v4([169, 254, 0, 0], 16, "the link-local range 169.254.0.0/16"),
        v4([224, 0, 0, 0], 4, "the multicast range 224.0.0.0/4"),
        v4([255, 255, 255, 255], 32, "the broadcast address 255.255.255.255"),
        v4([240, 0, 0, 0], 4, "the reserved range 240.0.0.0/4"),
        v6(Ipv6Addr::UNSPECIFIED, 128, "the unspecified address ::"),
        v6(Ipv6Addr::LOCALHOST, 128, "the loopback address ::1"),
        v6(Ipv6Addr::new(0, 0, 0, 0, 0, 0xffff, 0, 0), 96, "the IPv4-mapped range ::ffff:0:0/96"),
        v6(Ipv6Addr::new(0xfc00, 0, 0, 0, 0, 0, 0, 0), 7, "the private (unique local) range fc00::/7"),
        v6(Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 0), 10, "the link-local range fe80::/10"),
        v6(Ipv6Addr::new(0xff00, 0, 0, 0, 0, 0, 0, 0), 8, "the multicast range ff00::/8"),
    ]
}

fn global_unicast() -> IpNet {
    let net = Ipv6Net::new(Ipv6Addr::new(0x2000, 0, 0, 0, 0, 0, 0, 0), 3)
        .expect("prefix length is at most 128");
    IpNet::V6(net)
}

/// Returns the first special-use range that contains all of `net`.
fn special_range_containing(net: IpNet) -> Option<SpecialRange> {
    special_ranges()
        .into_iter()
        .find(|special| special.net.contains(&net))
}

/// Returns why a parsed range cannot be used for live, or `None`.
///
/// A range with a prefix of at least /24 (IPv4) or /48 (IPv6) that overlaps
/// a special range lies inside some special range or, for IPv6, outside
/// 2000::/3. So checking containment, the global unicast range and the
/// prefix length covers every overlap.
fn live_problem(value: &str, net: IpNet) -> Option<String> {
    const ACTION: &str = "Enter the public address or range that your live servers connect from";
    if let Some(special) = special_range_containing(net) {
        return Some(format!("{value} is in {}. {ACTION}", special.description));
    }
    if let IpNet::V6(_) = net {
        if !global_unicast().contains(&net) {
            return Some(format!(
                "{value} is not a global unicast IPv6 address, which starts with 2 or 3. {ACTION}"
            ));
        }
    }
    let (min_prefix, example) = match net {
        IpNet::V4(_) => (LIVE_MIN_IPV4_PREFIX, "203.0.113.0/24"),
        IpNet::V6(_) => (LIVE_MIN_IPV6_PREFIX, "2001:db8:10::/48"),
    };
    if net.prefix_len() < min_prefix {
        return Some(format!(
            "{value} covers too many addresses for live. Enter a range of /{min_prefix} or smaller, like {example}"
        ));
    }
    None
}

/// Returns why a single address, such as the host of a live URL, is not a
/// public internet address, or `None` when it is.
pub(super) fn special_use_of_address(address: IpAddr) -> Option<String> {
    let net = IpNet::from(address);
    if let Some(special) = special_range_containing(net) {
        return Some(format!("{address} is in {}", special.description));
    }
    if address.is_ipv6() && !global_unicast().contains(&net) {
        return Some(format!("{address} is not a global unicast IPv6 address"));
    }
    None
}
