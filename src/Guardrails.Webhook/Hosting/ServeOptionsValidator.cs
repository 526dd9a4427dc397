using FluentValidation;

namespace Guardrails.Webhook.Hosting;

internal sealed class ServeOptionsValidator : AbstractValidator<ServeOptions>
{
    public ServeOptionsValidator()
    {
        RuleFor(o => o.PoliciesDirectory)
            .Must(Directory.Exists)
            .WithMessage(o => $"--policies: directory '{o.PoliciesDirectory}' does not exist");
        RuleFor(o => o.DataDirectory).NotEmpty().WithMessage("--data-dir must not be empty");
        RuleFor(o => o.Urls).NotEmpty().WithMessage("--urls must name at least one address");
        RuleForEach(o => o.Urls)
            .Must(url => url.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            .WithMessage((_, url) => $"--urls: '{url}' is not https://; the apiserver only calls webhooks over TLS");
        RuleFor(o => o)
            .Must(o => (o.CertFile is null) == (o.KeyFile is null))
            .WithMessage("--tls-cert-file and --tls-key-file go together");
        RuleFor(o => o.CertFile).Must(File.Exists!).When(o => o.CertFile is not null).WithMessage(o => $"--tls-cert-file: '{o.CertFile}' does not exist");
        RuleFor(o => o.KeyFile).Must(File.Exists!).When(o => o.KeyFile is not null).WithMessage(o => $"--tls-key-file: '{o.KeyFile}' does not exist");
        RuleFor(o => o.ClientCaFile).Must(File.Exists!).When(o => o.ClientCaFile is not null).WithMessage(o => $"--client-ca-file: '{o.ClientCaFile}' does not exist");
        RuleFor(o => o.Kubeconfig).Must(File.Exists!).When(o => o.Kubeconfig is not null).WithMessage(o => $"--kubeconfig: '{o.Kubeconfig}' does not exist");
        RuleFor(o => o).Must(o => !(o.InCluster && o.Kubeconfig is not null)).WithMessage("--in-cluster and --kubeconfig are alternatives; give one");
        RuleFor(o => o.KubeContext).Null().When(o => o.Kubeconfig is null).WithMessage("--context needs --kubeconfig");
        RuleFor(o => o.MaxRequestBodyBytes).InclusiveBetween(1024, 512L * 1024 * 1024).WithMessage("--max-body-bytes must be between 1 KiB and 512 MiB");
        RuleFor(o => o.OwnNamespace).Matches("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$").WithMessage(o => $"--namespace '{o.OwnNamespace}' is not a valid namespace name");
    }
}
