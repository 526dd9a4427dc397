using System.Security.Cryptography.X509Certificates;
using System.Text;
using Guardrails.Webhook.Hosting.Tls;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Guardrails.Webhook.Cluster.Api;

/// <summary>
/// Reads the parts of a kubeconfig Guardrails can use: one context's server, trust and static credentials. Anything that
/// would need a helper program (exec plugins, auth providers) is refused by name rather than half-supported.
/// </summary>
internal sealed class KubeConfigFile
{
    private readonly string _path;
    private readonly string _directory;
    private readonly YamlMappingNode _root;

    private KubeConfigFile(string path, YamlMappingNode root)
    {
        _path = path;
        _directory = Path.GetDirectoryName(path) ?? ".";
        _root = root;
    }

    /// <summary>The first entry of <c>$KUBECONFIG</c>, else <c>~/.kube/config</c>, as kubectl picks it.</summary>
    public static string DefaultPath()
    {
        var variable = Environment.GetEnvironmentVariable("KUBECONFIG");
        var first = variable?.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        return first ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config");
    }

    public static KubernetesClientConfiguration Load(string path, string? context)
    {
        var fullPath = Path.GetFullPath(path);
        string text;
        try
        {
            text = File.ReadAllText(fullPath, Encoding.UTF8);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw KubeConfigException.ForFile(fullPath, "kubeconfig file not found", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw KubeConfigException.ForFile(fullPath, $"cannot read the kubeconfig: {ex.Message}", ex);
        }

        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            throw KubeConfigException.ForFile(fullPath, $"not valid YAML at line {ex.Start.Line}: {ex.Message}", ex);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw KubeConfigException.ForFile(fullPath, "not a kubeconfig: expected a mapping with clusters, contexts and users");
        }

        return new KubeConfigFile(fullPath, root).Build(context);
    }

    private KubernetesClientConfiguration Build(string? requestedContext)
    {
        var contextName = requestedContext
            ?? Scalar(_root, "current-context", "current-context")
            ?? throw Error($"no current-context is set and no context was given; contexts: {Names("contexts")}");
        var context = FindNamed("contexts", "context", contextName)
            ?? throw Error($"context '{contextName}' not found; contexts: {Names("contexts")}");

        var clusterName = Scalar(context, "cluster", $"context '{contextName}' cluster")
            ?? throw Error($"context '{contextName}' names no cluster");
        var cluster = FindNamed("clusters", "cluster", clusterName)
            ?? throw Error($"cluster '{clusterName}' (of context '{contextName}') not found; clusters: {Names("clusters")}");

        var userName = Scalar(context, "user", $"context '{contextName}' user");
        YamlMappingNode? user = null;
        if (userName is not null)
        {
            user = FindNamed("users", "user", userName)
                ?? throw Error($"user '{userName}' (of context '{contextName}') not found; users: {Names("users")}");
        }

        var host = Server(cluster, clusterName);
        var skipTlsVerify = Bool(cluster, "insecure-skip-tls-verify", $"cluster '{clusterName}' insecure-skip-tls-verify");
        var cas = CertificateAuthorities(cluster, clusterName);
        if (skipTlsVerify && cas is not null)
        {
            throw Error($"cluster '{clusterName}' sets both insecure-skip-tls-verify and a certificate authority, which kubectl refuses too; keep one");
        }

        var credentials = user is null ? default : Credentials(user, userName!);
        return new KubernetesClientConfiguration
        {
            Host = host,
            SkipTlsVerify = skipTlsVerify,
            SslCaCerts = cas,
            AccessToken = credentials.Token,
            TokenFile = credentials.TokenFile,
            ClientCertificate = credentials.Certificate,
            Namespace = Scalar(context, "namespace", $"context '{contextName}' namespace"),
            CurrentContext = contextName,
        };
    }

    private Uri Server(YamlMappingNode cluster, string clusterName)
    {
        var server = Scalar(cluster, "server", $"cluster '{clusterName}' server")
            ?? throw Error($"cluster '{clusterName}' has no server");
        if (!Uri.TryCreate(server, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw Error($"cluster '{clusterName}' server '{server}' is not an https:// (or http://) URL");
        }

        return uri;
    }

    private X509Certificate2Collection? CertificateAuthorities(YamlMappingNode cluster, string clusterName)
    {
        var field = $"cluster '{clusterName}' certificate-authority";
        var pem = DataOrFile(cluster, "certificate-authority", field, out var label);
        if (pem is null)
        {
            return null;
        }

        try
        {
            return PemFiles.ParseCertificates(label, pem);
        }
        catch (TlsConfigurationException ex)
        {
            throw Error(ex.Message, ex);
        }
    }

    private (string? Token, string? TokenFile, X509Certificate2? Certificate) Credentials(YamlMappingNode user, string userName)
    {
        RefuseHelpers(user, userName);

        var token = Scalar(user, "token", $"user '{userName}' token");
        string? tokenFile = null;
        if (Scalar(user, "tokenFile", $"user '{userName}' tokenFile") is { } tokenPath)
        {
            tokenFile = Resolve(tokenPath);
            if (Encoding.UTF8.GetString(ReadFile(tokenFile, $"user '{userName}' tokenFile")).Trim().Length == 0)
            {
                throw Error($"user '{userName}' tokenFile {tokenFile}: the file is empty");
            }
        }

        var certPem = DataOrFile(user, "client-certificate", $"user '{userName}' client-certificate", out var certLabel);
        var keyPem = DataOrFile(user, "client-key", $"user '{userName}' client-key", out var keyLabel);
        X509Certificate2? certificate = null;
        if (certPem is not null || keyPem is not null)
        {
            if (certPem is null || keyPem is null)
            {
                var missing = certPem is null ? "client-certificate" : "client-key";
                throw Error($"user '{userName}' has a client {(certPem is null ? "key" : "certificate")} but no {missing} or {missing}-data");
            }

            try
            {
                certificate = PemFiles.LoadCertificateWithKey(certLabel, certPem, keyLabel, keyPem);
            }
            catch (TlsConfigurationException ex)
            {
                throw Error(ex.Message, ex);
            }
        }

        return (token, tokenFile, certificate);
    }

    private void RefuseHelpers(YamlMappingNode user, string userName)
    {
        const string advice = "which Guardrails does not run; use a token or client certificate kubeconfig";
        if (Child(user, "exec") is YamlMappingNode exec)
        {
            throw Error($"user '{userName}' authenticates with an exec plugin ({DescribeCommand(exec)}), {advice}");
        }

        if (Child(user, "auth-provider") is YamlMappingNode provider)
        {
            var name = provider.Children.TryGetValue(new YamlScalarNode("name"), out var n) && n is YamlScalarNode { Value: { } v } ? v : "unnamed";
            throw Error($"user '{userName}' authenticates with the '{name}' auth-provider, {advice}");
        }

        if (Child(user, "username") is not null || Child(user, "password") is not null)
        {
            throw Error($"user '{userName}' authenticates with a username and password (basic auth, removed in Kubernetes 1.19), {advice}");
        }
    }

    /// <summary>The program and its subcommand words (<c>aws eks get-token</c>), stopping at the first flag.</summary>
    private static string DescribeCommand(YamlMappingNode exec)
    {
        var command = exec.Children.TryGetValue(new YamlScalarNode("command"), out var c) && c is YamlScalarNode { Value: { Length: > 0 } value }
            ? Path.GetFileName(value)
            : "no command";
        var words = new List<string> { command };
        if (exec.Children.TryGetValue(new YamlScalarNode("args"), out var args) && args is YamlSequenceNode sequence)
        {
            words.AddRange(sequence.Children
                .Select(a => (a as YamlScalarNode)?.Value ?? "")
                .TakeWhile(a => a.Length > 0 && !a.StartsWith('-')));
        }

        return string.Join(' ', words);
    }

    /// <summary>
    /// PEM text from <c>{key}-data</c> (base64, preferred as kubectl does) or the file <c>{key}</c> names; null when
    /// neither is set. <paramref name="label"/> says where the text came from, for later errors about its content.
    /// </summary>
    private string? DataOrFile(YamlMappingNode map, string key, string field, out string label)
    {
        if (Scalar(map, key + "-data", field + "-data") is { } data)
        {
            label = field + "-data";
            try
            {
                return Encoding.UTF8.GetString(Convert.FromBase64String(data));
            }
            catch (FormatException ex)
            {
                throw Error($"{field}-data is not valid base64", ex);
            }
        }

        if (Scalar(map, key, field) is { } file)
        {
            var path = Resolve(file);
            label = $"{field} {path}";
            return Encoding.UTF8.GetString(ReadFile(path, field));
        }

        label = field;
        return null;
    }

    private byte[] ReadFile(string path, string field)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw Error($"{field} {path}: file not found", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Error($"{field} {path}: cannot read: {ex.Message}", ex);
        }
    }

    /// <summary>Relative paths in a kubeconfig are relative to the file, not to whoever reads it.</summary>
    private string Resolve(string path) => Path.GetFullPath(Path.IsPathRooted(path) ? path : Path.Combine(_directory, path));

    private YamlMappingNode? FindNamed(string section, string inner, string name)
    {
        foreach (var entry in Entries(section))
        {
            if (Scalar(entry, "name", $"{section}[].name") == name)
            {
                return Child(entry, inner) switch
                {
                    YamlMappingNode map => map,
                    null or YamlScalarNode { Value: null or "" } => new YamlMappingNode(),
                    _ => throw Error($"{section} entry '{name}': {inner} must be a mapping"),
                };
            }
        }

        return null;
    }

    private IEnumerable<YamlMappingNode> Entries(string section) => Child(_root, section) switch
    {
        YamlSequenceNode sequence => sequence.Children.OfType<YamlMappingNode>(),
        null or YamlScalarNode { Value: null or "" } => [],
        _ => throw Error($"{section} must be a list"),
    };

    private string Names(string section)
    {
        var names = Entries(section).Select(e => Scalar(e, "name", $"{section}[].name")).OfType<string>().ToList();
        return names.Count == 0 ? "(none)" : string.Join(", ", names);
    }

    private static YamlNode? Child(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    private string? Scalar(YamlMappingNode map, string key, string field) => Child(map, key) switch
    {
        null => null,
        YamlScalarNode { Value: null or "" } => null,
        YamlScalarNode { Style: ScalarStyle.Plain, Value: "~" or "null" } => null,
        YamlScalarNode scalar => scalar.Value,
        _ => throw Error($"{field} must be a single value"),
    };

    private bool Bool(YamlMappingNode map, string key, string field) => Scalar(map, key, field) switch
    {
        null => false,
        { } text when bool.TryParse(text, out var value) => value,
        { } text => throw Error($"{field} must be true or false, not '{text}'"),
    };

    private KubeConfigException Error(string problem, Exception? inner = null) => KubeConfigException.ForFile(_path, problem, inner);
}
