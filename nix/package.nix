# glhac, the CLI. Called with callPackage from flake.nix (packages, overlay).
{ lib, stdenv, rustPlatform, installShellFiles }:

let
  glhaLib = import ./lib.nix;
  root = ../.;
  manifest = builtins.fromTOML (builtins.readFile ../Cargo.toml);
in
rustPlatform.buildRustPackage {
  pname = "glhac";
  inherit (manifest.package) version;

  src = lib.fileset.toSource {
    inherit root;
    fileset = lib.fileset.unions (map (p: root + "/${p}") glhaLib.sourcePaths);
  };
  cargoLock.lockFile = ../Cargo.lock;

  cargoBuildFlags = [ "-p" "glha" "--bin" "glhac" ];
  # The test suite needs crmsh, pcs, pacemaker and oslo-config-validator
  # (.ci/install-tools); CI runs it, the package build does not.
  doCheck = false;

  # Completions and manual pages come from the glhac just built, which a
  # cross build cannot run.
  nativeBuildInputs = [ installShellFiles ];
  postInstall = lib.optionalString (stdenv.buildPlatform.canExecute stdenv.hostPlatform)
    (glhaLib.postInstall "$out/bin/glhac");

  meta = {
    description = manifest.package.description;
    license = lib.licenses.asl20;
    mainProgram = "glhac";
  };
}
