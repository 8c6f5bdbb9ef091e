# Evaluates glha's Nix integration without nixpkgs or network, against a
# stub pkgs that records what it is asked to build. Run by .ci/nix-check:
#
#   nix-instantiate --eval --strict --json nix/tests/lib.nix
#
# Every check throws with its name when it fails. The result lists the
# glhac argument vectors mkBundle builds, which .ci/nix-check then runs with
# the real glhac, and the examples the flake's checks cover.
let
  root = ../..;
  glhaLib = import ../lib.nix;

  check = name: cond: if cond then true else throw "nix/tests/lib.nix: FAIL: ${name}";
  contains = needle: hay: builtins.length (builtins.split (escapeRegex needle) hay) > 1;
  escapeRegex = builtins.replaceStrings
    [ "\\" "." "*" "+" "?" "(" ")" "[" "]" "{" "}" "|" "^" "$" ]
    [ "\\\\" "\\." "\\*" "\\+" "\\?" "\\(" "\\)" "\\[" "\\]" "\\{" "\\}" "\\|" "\\^" "\\$" ];

  # A stand-in for nixpkgs: records derivations instead of building them.
  stubLib = {
    genAttrs = names: f: builtins.listToAttrs (map (n: { name = n; value = f n; }) names);
    fileset = {
      toSource = { root, fileset }: { stubSource = true; inherit root fileset; };
      unions = paths: paths;
    };
    licenses.asl20 = "Apache-2.0";
    optionalString = cond: s: if cond then s else "";
  };
  stubPkgs = system: rec {
    lib = stubLib;
    stdenv = {
      hostPlatform.system = system;
      buildPlatform.canExecute = _host: true;
    };
    installShellFiles = "installShellFiles";
    rustPlatform.buildRustPackage = args: args // {
      stubDerivation = "buildRustPackage";
      outPath = "/nix/store/stub-glhac-${system}";
    };
    callPackage = fn: extra: import fn ({ inherit lib stdenv rustPlatform installShellFiles; } // extra);
    runCommand = name: env: script: {
      stubDerivation = "runCommand";
      inherit name env script;
    };
    mkShell = args: { stubDerivation = "mkShell"; inherit args; };
    clippy = "clippy";
    rustfmt = "rustfmt";
    rust-analyzer = "rust-analyzer";
    shellcheck = "shellcheck";
  };
  stubNixpkgs = {
    lib = stubLib;
    legacyPackages = stubLib.genAttrs
      [ "x86_64-linux" "aarch64-linux" "x86_64-darwin" "aarch64-darwin" ]
      stubPkgs;
  };

  # The flake's outputs, with the stub in place of the nixpkgs input.
  flake = import ../../flake.nix;
  self = outputs // { outPath = toString root; };
  outputs = flake.outputs { inherit self; nixpkgs = stubNixpkgs; };
  pkgs = stubNixpkgs.legacyPackages.x86_64-linux;
  glhac = outputs.packages.x86_64-linux.default;

  manifest = builtins.fromTOML (builtins.readFile (root + "/Cargo.toml"));

  plain = outputs.lib.mkBundle { inherit pkgs; src = root; spec = "examples/seed.glha"; };
  pinned = outputs.lib.mkBundle {
    inherit pkgs;
    src = root;
    spec = "examples/ipmi-three-nodes.glha";
    release = "2024.1";
    backend = "crm";
  };
  quoted = glhaLib.mkBundle {
    inherit pkgs glhac;
    src = root;
    spec = "examples/it's here.glha";
  };
  badBackend = builtins.tryEval (builtins.deepSeq
    (glhaLib.glhacArgs { spec = "x.glha"; out = "o"; backend = "crmsh"; })
    true);

  examples = glhaLib.examples (toString root);
  checks = outputs.checks.x86_64-linux;

  results = [
    (check "the flake declares nixpkgs as its only input"
      (builtins.attrNames flake.inputs == [ "nixpkgs" ]))
    (check "packages.default is glhac, built from the workspace"
      (glhac.pname == "glhac"
        && glhac.version == manifest.package.version
        && glhac.cargoBuildFlags == [ "-p" "glha" "--bin" "glhac" ]
        && glhac.cargoLock.lockFile == root + "/Cargo.lock"))
    (check "the source filter keeps src (and its templates), the grammar and the stdlib"
      (builtins.all (p: builtins.elem (root + "/${p}") glhac.src.fileset)
        [ "src" "grammar" "stdlib" "Cargo.toml" "Cargo.lock" ]
        && builtins.pathExists (root + "/src/emit/templates")
        && builtins.pathExists (root + "/grammar/glha.pest")))
    (check "every path of the source filter exists (workspace members included)"
      (builtins.all (p: builtins.pathExists (root + "/${p}")) glhaLib.sourcePaths
        && builtins.all (m: builtins.elem m glhaLib.sourcePaths) manifest.workspace.members
          || builtins.all (m: m == "." || builtins.elem m glhaLib.sourcePaths) manifest.workspace.members))
    (check "packages.default installs completions and manual pages made by the glhac it built"
      (glhac.nativeBuildInputs == [ "installShellFiles" ]
        && glhac.postInstall == glhaLib.postInstall "$out/bin/glhac"
        && builtins.all (shell: contains "--${shell} <($out/bin/glhac completions ${shell})" glhac.postInstall)
          [ "bash" "zsh" "fish" ]
        && contains "installShellCompletion --cmd glhac" glhac.postInstall
        && contains "$out/bin/glhac man --dir " glhac.postInstall
        && contains "installManPage " glhac.postInstall))
    (check "apps.default runs glhac"
      (outputs.apps.x86_64-linux.default == {
        type = "app";
        program = "/nix/store/stub-glhac-x86_64-linux/bin/glhac";
      }))
    (check "overlays.default adds glhac"
      ((outputs.overlays.default pkgs pkgs).glhac.pname == "glhac"))
    (check "devShells.default has glhac's build inputs"
      (outputs.devShells.x86_64-linux.default.args.inputsFrom == [ glhac ]))
    (check "mkBundle: name, inputs and source"
      (plain.stubDerivation == "runCommand"
        && plain.name == "glha-bundle-seed"
        && plain.env.nativeBuildInputs == [ glhac ]
        && plain.env.src == root))
    (check "mkBundle: glhac runs in the source with the spec as given"
      (contains "cd \"$src\"" plain.script
        && contains "glhac 'build' 'examples/seed.glha' '-o' \"$NIX_BUILD_TOP/bundle\" '--backend' 'both'" plain.script
        && contains "mv \"$NIX_BUILD_TOP/bundle\" \"$out\"" plain.script))
    (check "mkBundle: --release and --backend are passed"
      (contains "glhac 'build' 'examples/ipmi-three-nodes.glha' '-o' \"$NIX_BUILD_TOP/bundle\" '--release' '2024.1' '--backend' 'crm'" pinned.script))
    (check "mkBundle: arguments are shell-quoted"
      (contains "glhac 'build' 'examples/it'\\''s here.glha' " quoted.script
        && quoted.name == "glha-bundle-it's here"))
    (check "mkBundle: secret values never enter the store"
      (builtins.all (d: !(contains "embed-secrets" d.script)) [ plain pinned quoted ]))
    (check "mkBundle: an unknown backend is refused" (!badBackend.success))
    (check "checks: one per example, each a bundle of it"
      (builtins.attrNames checks == map (f: "example-${glhaLib.stem f}") examples
        && builtins.all
          (f: checks."example-${glhaLib.stem f}".env.passthru.spec == "examples/${f}")
          examples))
  ];
in
builtins.deepSeq results {
  ok = builtins.length results;
  # What .ci/nix-check runs with the real glhac ("@OUT@" is the output dir).
  argv = [ pinned.env.passthru.glhacArgs ]
    ++ map (n: checks.${n}.env.passthru.glhacArgs) (builtins.attrNames checks);
  # The package's postInstall, for .ci/nix-check to run ("@GLHAC@" is glhac).
  postInstall = glhaLib.postInstall "@GLHAC@";
  inherit examples;
}
