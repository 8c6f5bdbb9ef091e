{
  description = "glha: compile a declarative spec of a highly available OpenStack Image API into a reviewed bundle";

  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-24.11";

  outputs = { self, nixpkgs }:
    let
      # The pure helpers (argument building, source list): nix/lib.nix,
      # evaluated in CI without nixpkgs by .ci/nix-check.
      glhaLib = import ./nix/lib.nix;
      systems = [ "x86_64-linux" "aarch64-linux" "x86_64-darwin" "aarch64-darwin" ];
      forAllSystems = f: nixpkgs.lib.genAttrs systems (system: f nixpkgs.legacyPackages.${system});
      glhacFor = pkgs: self.packages.${pkgs.stdenv.hostPlatform.system}.default;
    in
    {
      packages = forAllSystems (pkgs: rec {
        glhac = pkgs.callPackage ./nix/package.nix { };
        default = glhac;
      });

      apps = forAllSystems (pkgs: {
        default = {
          type = "app";
          program = "${glhacFor pkgs}/bin/glhac";
        };
      });

      overlays.default = final: _prev: {
        glhac = final.callPackage ./nix/package.nix { };
      };

      devShells = forAllSystems (pkgs: {
        default = pkgs.mkShell {
          inputsFrom = [ (glhacFor pkgs) ];
          packages = [ pkgs.clippy pkgs.rustfmt pkgs.rust-analyzer pkgs.shellcheck ];
        };
      });

      # mkBundle { pkgs, src, spec, release ? null, backend ? "both" }:
      # a derivation whose output is the bundle of `spec` (relative to
      # `src`), built by this flake's glhac. Secret values never enter the
      # store: the bundle holds placeholders and MANIFEST.json lists them.
      lib.mkBundle = args: glhaLib.mkBundle ({ glhac = glhacFor args.pkgs; } // args);

      # Every example builds into a bundle.
      checks = forAllSystems (pkgs: builtins.listToAttrs (map
        (file: {
          name = "example-${glhaLib.stem file}";
          value = self.lib.mkBundle {
            inherit pkgs;
            src = self;
            spec = "examples/${file}";
          };
        })
        (glhaLib.examples self)));
    };
}
