using System.CommandLine;
using System.CommandLine.Parsing;

namespace Guardrails.Webhook.Cli;

/// <summary>Says what was wrong with a command line, with the closest valid command or option from the command tree.</summary>
internal static class UsageErrors
{
    /// <summary>
    /// Tokens that look like options but are none: left unmatched, or taken as a value of an argument (a PATH) or of
    /// an option (<c>--urls X --polices D</c>), where they would be silently read as a file or an address.
    /// </summary>
    public static IReadOnlyList<string> UnknownTokens(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var unknown = new List<string>(parse.UnmatchedTokens);
        foreach (var token in parse.Tokens)
        {
            if (token.Type == TokenType.DoubleDash)
            {
                break;
            }

            if (token.Type == TokenType.Argument && token.Value.Length > 1 && token.Value[0] == '-' && !unknown.Contains(token.Value))
            {
                unknown.Add(token.Value);
            }
        }

        return unknown;
    }

    public static void Write(RootCommand root, ParseResult parse, TextWriter stderr)
    {
        var command = parse.CommandResult.Command;
        var tokens = UnknownTokens(parse);
        var unmatched = tokens.ToHashSet(StringComparer.Ordinal);
        var commandNamed = false;
        var afterUnknownOption = false;
        foreach (var token in tokens)
        {
            // A word right after an unknown option is most likely its value (--polices /dir): one error is enough.
            var skip = afterUnknownOption && !token.StartsWith('-');
            afterUnknownOption = token.StartsWith('-') && !token.Contains('=', StringComparison.Ordinal);
            if (skip)
            {
                continue;
            }

            if (command == root && !token.StartsWith('-'))
            {
                // The first word is the command meant; the words after it were its arguments.
                if (commandNamed)
                {
                    continue;
                }

                commandNamed = true;
            }

            stderr.WriteLine(token.StartsWith('-')
                ? $"guardrails: unknown option '{token}'{OptionSuggestion(root, command, token)}"
                : command == root
                    ? $"guardrails: unknown command '{token}'{Suggestion(token, root.Subcommands.Select(c => c.Name))}"
                    : $"guardrails {command.Name}: unexpected argument '{token}'");
        }

        foreach (var error in parse.Errors)
        {
            // Unmatched tokens were explained above, with a hint.
            if (tokens.Count == 0 || !unmatched.Any(token => error.Message.Contains($"'{token}'", StringComparison.Ordinal)) && parse.UnmatchedTokens.Count == 0)
            {
                stderr.WriteLine($"guardrails{(command == root ? "" : " " + command.Name)}: {error.Message}");
            }
        }

        if (parse.Errors.Count == 0 && tokens.Count == 0)
        {
            stderr.WriteLine("guardrails: options need a command: guardrails serve [options], or guardrails check [options] PATH...");
        }

        stderr.WriteLine($"Run 'guardrails {(command == root ? "" : command.Name + " ")}--help' for usage. {ExitCodes.Help}");
    }

    /// <summary>Options of the command given, or of any command when none was (<c>guardrails --polices D</c>).</summary>
    private static string OptionSuggestion(RootCommand root, Command command, string token)
    {
        var scope = command == root ? root.Subcommands.Prepend(root) : [command];
        var candidates = scope.SelectMany(c => c.Options.SelectMany(o => o.Aliases.Prepend(o.Name)).Select(name => (Command: c, Name: name))).ToList();
        var best = Closest(token, candidates.Select(c => c.Name));
        if (best is null)
        {
            return "";
        }

        var owner = candidates.First(c => c.Name == best).Command;
        return owner == command || owner == root ? $"; did you mean '{best}'?" : $"; did you mean 'guardrails {owner.Name} {best}'?";
    }

    public static string Suggestion(string token, IEnumerable<string> names) => Closest(token, names) is { } best ? $"; did you mean '{best}'?" : "";

    private static string? Closest(string token, IEnumerable<string> names)
    {
        var bare = token.Split('=', 2)[0];
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var name in names.Distinct(StringComparer.Ordinal))
        {
            var distance = Distance(bare, name);
            if (distance < bestDistance)
            {
                (best, bestDistance) = (name, distance);
            }
        }

        return bestDistance <= Math.Max(2, bare.Length / 3) ? best : null;
    }

    /// <summary>Levenshtein distance: a typo is one or two edits away from the word meant.</summary>
    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
