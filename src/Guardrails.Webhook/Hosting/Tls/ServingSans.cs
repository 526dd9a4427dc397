using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace Guardrails.Webhook.Hosting.Tls;

/// <summary>The subject alternative names a generated serving certificate carries, compared as sets.</summary>
internal sealed class ServingSans
{
    private ServingSans(IEnumerable<string> dnsNames, IEnumerable<IPAddress> ipAddresses)
    {
        DnsNames = new SortedSet<string>(dnsNames.Select(n => n.ToLowerInvariant()), StringComparer.Ordinal);
        IpAddresses = new HashSet<IPAddress>(ipAddresses);
    }

    public IReadOnlySet<string> DnsNames { get; }

    public IReadOnlySet<IPAddress> IpAddresses { get; }

    /// <summary>
    /// localhost and loopback for port-forwards and a local API server; the bare service name and every longer
    /// form, because the API server dials <c>service.namespace.svc</c> and people type the others.
    /// </summary>
    public static ServingSans FromOptions(TlsOptions options)
    {
        var service = RequireLabel(options.ServiceName, nameof(TlsOptions.ServiceName));
        var ns = RequireLabel(options.ServiceNamespace, nameof(TlsOptions.ServiceNamespace));
        var dns = new List<string>
        {
            "localhost",
            service,
            $"{service}.{ns}",
            $"{service}.{ns}.svc",
            $"{service}.{ns}.svc.cluster.local",
        };
        var ips = new List<IPAddress> { IPAddress.Loopback, IPAddress.IPv6Loopback };

        foreach (var raw in options.ExtraSans)
        {
            var san = raw.Trim();
            if (TryParseIp(san, out var ip))
            {
                ips.Add(ip);
            }
            else if (IsDnsName(san))
            {
                dns.Add(san);
            }
            else
            {
                throw new TlsConfigurationException($"extra SAN '{raw}' is neither an IP address nor a DNS name");
            }
        }

        return new ServingSans(dns, ips);
    }

    public static ServingSans FromCertificate(X509Certificate2 certificate)
    {
        var extension = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
        return extension is null
            ? new ServingSans([], [])
            : new ServingSans(extension.EnumerateDnsNames(), extension.EnumerateIPAddresses());
    }

    public bool SetEquals(ServingSans other) => DnsNames.SetEquals(other.DnsNames) && IpAddresses.SetEquals(other.IpAddresses);

    public X509Extension ToExtension()
    {
        var builder = new SubjectAlternativeNameBuilder();
        foreach (var name in DnsNames)
        {
            builder.AddDnsName(name);
        }

        foreach (var ip in IpAddresses)
        {
            builder.AddIpAddress(ip);
        }

        return builder.Build();
    }

    public override string ToString() =>
        string.Join(", ", DnsNames.Concat(IpAddresses.Select(ip => ip.ToString()).Order(StringComparer.Ordinal)));

    private static string RequireLabel(string value, string setting)
    {
        if (!IsDnsName(value) || value.Contains('.', StringComparison.Ordinal) || value.Contains('*', StringComparison.Ordinal))
        {
            throw new TlsConfigurationException($"{setting} '{value}' is not a DNS label (lowercase letters, digits and '-')");
        }

        return value.ToLowerInvariant();
    }

    private static bool TryParseIp(string value, out IPAddress ip)
    {
        var unbracketed = value.StartsWith('[') && value.EndsWith(']') ? value[1..^1] : value;

        // IPAddress.TryParse also takes shorthand like "10.1" (10.0.0.1); only a dotted quad is read as IPv4 here.
        var looksLikeIp = unbracketed.Contains(':', StringComparison.Ordinal)
            || (unbracketed.Count(c => c == '.') == 3 && unbracketed.All(c => c == '.' || char.IsAsciiDigit(c)));
        if (looksLikeIp && IPAddress.TryParse(unbracketed, out var parsed)
            && parsed.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6)
        {
            ip = parsed;
            return true;
        }

        ip = IPAddress.None;
        return false;
    }

    private static bool IsDnsName(string value)
    {
        if (value.Length is 0 or > 253)
        {
            return false;
        }

        var labels = value.Split('.');
        for (var i = 0; i < labels.Length; i++)
        {
            var label = labels[i];
            var wildcard = i == 0 && label == "*" && labels.Length > 2;
            var valid = label.Length is > 0 and <= 63
                && label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')
                && label[0] != '-'
                && label[^1] != '-';
            if (!wildcard && !valid)
            {
                return false;
            }
        }

        // An all-digit last label would make "1.2.3" a hostname that resolvers read as an address.
        return !labels[^1].All(char.IsAsciiDigit);
    }
}
