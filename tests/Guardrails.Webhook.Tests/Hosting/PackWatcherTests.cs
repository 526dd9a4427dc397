using Guardrails.Policies.Engine;
using Guardrails.Webhook.Hosting;
using Guardrails.Webhook.Provisioning;
using Microsoft.Extensions.Logging.Abstractions;

namespace Guardrails.Webhook.Tests.Hosting;

/// <summary>
/// The first pack load begins before the host is built (<see cref="PackWatcher.StartInitialRead"/>) and is applied
/// later: what it applies is what was read then, and an edit made in between is not lost but picked up by the first poll.
/// </summary>
public sealed class PackWatcherTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("guardrails-packwatcher-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static string Pack(string mode) => $"""
        apiVersion: guardrails.dev/v1alpha1
        kind: RulePack
        metadata:
          name: tags
        spec:
          rules:
            - id: image-tag
              mode: {mode}
        """;

    private string PackFile => Path.Combine(_directory, "pack.yaml");

    private PackWatcher Watcher(PolicyStore store) =>
        new(_directory, new PolicyOptions(), store, new PlatformSettingsStore(), NullLogger<PackWatcher>.Instance, TimeSpan.FromMilliseconds(50));

    private static string? ImageTagMode(PolicyStore store) =>
        store.Current!.Packs.ShouldHaveSingleItem().Rules.ShouldHaveSingleItem().ModeText;

    [Fact]
    public async Task An_initial_read_begun_early_serves_what_it_read()
    {
        await File.WriteAllTextAsync(PackFile, Pack("warn"), TestContext.Current.CancellationToken);
        var store = new PolicyStore(TimeProvider.System);

        var result = Watcher(store).LoadInitial(PackWatcher.StartInitialRead(_directory, new PolicyOptions()));

        result.Succeeded.ShouldBeTrue();
        store.Current.ShouldBeSameAs(result.Policy);
        ImageTagMode(store).ShouldBe("warn");
    }

    [Fact]
    public async Task An_edit_made_after_the_initial_read_began_is_picked_up_by_the_first_poll()
    {
        await File.WriteAllTextAsync(PackFile, Pack("warn"), TestContext.Current.CancellationToken);
        var started = PackWatcher.StartInitialRead(_directory, new PolicyOptions());
        await started;
        await File.WriteAllTextAsync(PackFile, Pack("enforce"), TestContext.Current.CancellationToken);
        var store = new PolicyStore(TimeProvider.System);
        var watcher = Watcher(store);

        watcher.LoadInitial(started).Succeeded.ShouldBeTrue();
        ImageTagMode(store).ShouldBe("warn");

        await watcher.StartAsync(TestContext.Current.CancellationToken);
        try
        {
            await Tls.Eventually.WithinAsync(TimeSpan.FromSeconds(5), () => ImageTagMode(store) == "enforce", "the edit was not reloaded");
        }
        finally
        {
            await watcher.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task An_invalid_pack_read_early_is_refused_with_its_file_and_line()
    {
        await File.WriteAllTextAsync(PackFile, Pack("sometimes"), TestContext.Current.CancellationToken);
        var store = new PolicyStore(TimeProvider.System);

        var result = Watcher(store).LoadInitial(PackWatcher.StartInitialRead(_directory, new PolicyOptions()));

        result.Succeeded.ShouldBeFalse();
        var error = result.Errors.ShouldHaveSingleItem();
        error.File.ShouldBe(PackFile);
        error.Line.ShouldBe(8);
        error.Message.ShouldContain("sometimes");
        store.Current.ShouldBeNull();
    }
}
