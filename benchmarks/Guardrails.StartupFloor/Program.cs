using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

// The start-up floor for guardrails serve (issue 15): the least an ASP.NET Core server on this runtime does before its
// first HTTPS /readyz 200 (slim builder, Kestrel with a self-signed ECDSA P-256 certificate made at start-up, as serve
// makes its own, one minimal API endpoint) and nothing else. The load benchmark's --startup --floor starts it
// interleaved with guardrails, so what guardrails adds on top of the framework is measured, not guessed.
// Accepts guardrails serve's command line and uses only --urls and --data-dir (where, like serve, it writes the
// certificate clients trust as ca.crt).
var port = new Uri(Argument("--urls") ?? "https://127.0.0.1:8443").Port;
var dataDir = Argument("--data-dir") ?? Directory.CreateTempSubdirectory("guardrails-floor-").FullName;

var builder = WebApplication.CreateSlimBuilder();
builder.WebHost.UseKestrelHttpsConfiguration();
using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
var names = new SubjectAlternativeNameBuilder();
names.AddIpAddress(System.Net.IPAddress.Loopback);
request.CertificateExtensions.Add(names.Build());
using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
await File.WriteAllTextAsync(Path.Combine(dataDir, "ca.crt"), certificate.ExportCertificatePem());
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, port, listen => listen.UseHttps(certificate)));

var app = builder.Build();
app.MapGet("/readyz", () => TypedResults.Text("ok"));
await app.RunAsync();

string? Argument(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
