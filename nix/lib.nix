# The pure part of glha's Nix integration: no nixpkgs, no fetching. flake.nix
# imports it, and nix/tests/lib.nix tests it with a stub pkgs, so CI can
# evaluate it without a binary cache or network.
let
  # POSIX shell single quoting: 'it'\''s'.
  shellQuote = s: "'" + builtins.replaceStrings [ "'" ] [ "'\\''" ] (toString s) + "'";

  hasSuffix = suffix: s:
    let
      n = builtins.stringLength s;
      k = builtins.stringLength suffix;
    in
    n >= k && builtins.substring (n - k) k s == suffix;

  baseName = p: builtins.baseNameOf (toString p);

  stem = spec:
    let b = baseName spec;
    in if hasSuffix ".glha" b then builtins.substring 0 (builtins.stringLength b - 5) b else b;
in
rec {
  inherit shellQuote stem;

  # What the glhac package is built from, relative to the repository root:
  # the workspace manifests, the grammar, the embedded stdlib and src/ with
  # its templates (src/emit/templates). Tests and golden bundles are left
  # out so editing them does not rebuild glhac.
  sourcePaths = [
    "Cargo.toml"
    "Cargo.lock"
    "src"
    "grammar"
    "stdlib"
    "macros"
    "examples/cargo-consumer"
  ];

  # The glhac arguments that build one bundle. Secrets stay placeholders:
  # --embed-secrets is never passed, because the Nix store is world-readable.
  glhacArgs = { spec, out, release ? null, backend ? "both" }:
    assert builtins.elem backend [ "crm" "pcs" "both" ]
      || throw "glha.mkBundle: backend must be \"crm\", \"pcs\" or \"both\", not \"${toString backend}\"";
    [ "build" spec "-o" out ]
    ++ (if release == null then [ ] else [ "--release" release ])
    ++ [ "--backend" backend ];

  # The examples a repository carries: examples/*.glha, sorted.
  examples = src:
    let entries = builtins.readDir "${toString src}/examples";
    in builtins.filter (n: entries.${n} == "regular" && hasSuffix ".glha" n)
      (builtins.attrNames entries);

  # A derivation whose output is the bundle of `spec` (a path relative to
  # `src`). glhac runs inside `src`, so diagnostics name the spec as given.
  # It writes to the build directory first, then moves the bundle to $out:
  # the atomic write needs a writable parent directory.
  mkBundle =
    { pkgs
    , glhac
    , src
    , spec
    , release ? null
    , backend ? "both"
    , name ? "glha-bundle-${stem spec}"
    }:
    let
      args = glhacArgs {
        inherit spec release backend;
        out = "@OUT@";
      };
      quoted = builtins.concatStringsSep " " (map shellQuote args);
      command = builtins.replaceStrings [ (shellQuote "@OUT@") ] [ ''"$NIX_BUILD_TOP/bundle"'' ] quoted;
    in
    pkgs.runCommand name
      {
        nativeBuildInputs = [ glhac ];
        inherit src;
        passthru = { inherit spec release backend; glhacArgs = args; };
      }
      ''
        cd "$src"
        glhac ${command}
        mv "$NIX_BUILD_TOP/bundle" "$out"
      '';
}
