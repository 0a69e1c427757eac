using Lodge.Linux.Sysfs;
using Lodge.Testing;

namespace Lodge.Linux.Tests.Sysfs;

public class FirmwareSpecs
{
    private const string UsrShare = "/usr/share/qemu/firmware";
    private const string Etc = "/etc/qemu/firmware";

    // Debian 12's ovmf 2022.11-6+deb12u2, /usr/share/qemu/firmware/40-edk2-x86_64-secure-enrolled.json.
    private const string SecureEnrolled = """
        {
            "description": "UEFI firmware for x86_64, with Secure Boot and SMM, SB enabled, MS certs enrolled",
            "interface-types": [
                "uefi"
            ],
            "mapping": {
                "device": "flash",
                "executable": {
                    "filename": "/usr/share/OVMF/OVMF_CODE_4M.ms.fd",
                    "format": "raw"
                },
                "nvram-template": {
                    "filename": "/usr/share/OVMF/OVMF_VARS_4M.ms.fd",
                    "format": "raw"
                }
            },
            "targets": [
                {
                    "architecture": "x86_64",
                    "machines": [
                        "pc-q35-*"
                    ]
                }
            ],
            "features": [
                "acpi-s3",
                "amd-sev",
                "enrolled-keys",
                "requires-smm",
                "secure-boot",
                "verbose-dynamic"
            ],
            "tags": [

            ]
        }
        """;

    // Debian 12's 60-edk2-x86_64.json.
    private const string Plain = """
        {
            "description": "UEFI firmware for x86_64, without Secure Boot without SMM, with empty varstore",
            "interface-types": [ "uefi" ],
            "mapping": {
                "device": "flash",
                "executable": { "filename": "/usr/share/OVMF/OVMF_CODE_4M.fd", "format": "raw" },
                "nvram-template": { "filename": "/usr/share/OVMF/OVMF_VARS_4M.fd", "format": "raw" }
            },
            "targets": [ { "architecture": "x86_64", "machines": [ "pc-i440fx-*", "pc-q35-*" ] } ],
            "features": [ "acpi-s3", "amd-sev", "verbose-dynamic" ],
            "tags": [ ]
        }
        """;

    [Fact]
    public void I_can_read_the_firmware_descriptors_in_file_name_order_like_libvirt()
    {
        // Arrange
        using var tree = new HostTreeBuilder()
            .File($"{UsrShare}/60-edk2-x86_64.json", Plain)
            .File($"{UsrShare}/40-edk2-x86_64-secure-enrolled.json", SecureEnrolled)
            .File($"{UsrShare}/README", "not a descriptor");

        // Act
        var firmware = new SysfsScanner(tree.Host).Scan().Firmware;

        // Assert
        Assert.Equal(["40-edk2-x86_64-secure-enrolled.json", "60-edk2-x86_64.json"], firmware.Select(f => f.FileName));
        var secure = firmware[0];
        Assert.Equal("UEFI firmware for x86_64, with Secure Boot and SMM, SB enabled, MS certs enrolled", secure.Description);
        Assert.Equal(["uefi"], secure.InterfaceTypes);
        Assert.True(secure.HasFeature("secure-boot"));
        Assert.True(secure.HasFeature("enrolled-keys"));
        Assert.True(secure.HasFeature("requires-smm"));
        Assert.Equal("flash", secure.Device);
        Assert.Equal("/usr/share/OVMF/OVMF_CODE_4M.ms.fd", secure.Executable);
        Assert.Equal("/usr/share/OVMF/OVMF_VARS_4M.ms.fd", secure.NvramTemplate);
        Assert.Equal("raw", secure.Format);
        var target = Assert.Single(firmware[1].Targets);
        Assert.Equal("x86_64", target.Architecture);
        Assert.Equal(["pc-i440fx-*", "pc-q35-*"], target.Machines);
    }

    [Fact]
    public void I_can_override_a_descriptor_from_etc_and_mix_in_new_ones_by_name()
    {
        // Arrange
        using var tree = new HostTreeBuilder()
            .File($"{UsrShare}/60-edk2-x86_64.json", Plain)
            .File($"{UsrShare}/40-edk2-x86_64-secure-enrolled.json", SecureEnrolled)
            .File($"{Etc}/60-edk2-x86_64.json", Plain.Replace("without Secure Boot", "LOCAL", StringComparison.Ordinal))
            .File($"{Etc}/50-local.json", Plain.Replace("OVMF_CODE_4M.fd", "LOCAL_CODE.fd", StringComparison.Ordinal));

        // Act
        var firmware = new SysfsScanner(tree.Host).Scan().Firmware;

        // Assert
        Assert.Equal(["40-edk2-x86_64-secure-enrolled.json", "50-local.json", "60-edk2-x86_64.json"], firmware.Select(f => f.FileName));
        Assert.Equal("/usr/share/OVMF/LOCAL_CODE.fd", firmware[1].Executable);
        Assert.StartsWith("UEFI firmware for x86_64, LOCAL", firmware[2].Description, StringComparison.Ordinal);
    }

    [Fact]
    public void I_can_hide_a_descriptor_with_an_empty_file_in_etc()
    {
        // Arrange
        using var tree = new HostTreeBuilder()
            .File($"{UsrShare}/40-edk2-x86_64-secure-enrolled.json", SecureEnrolled)
            .File($"{UsrShare}/60-edk2-x86_64.json", Plain)
            .File($"{Etc}/40-edk2-x86_64-secure-enrolled.json", string.Empty);

        // Act
        var firmware = new SysfsScanner(tree.Host).Scan().Firmware;

        // Assert
        Assert.Equal(["60-edk2-x86_64.json"], firmware.Select(f => f.FileName));
    }

    [Fact]
    public void I_can_read_a_memory_firmware_whose_mapping_names_the_file_directly()
    {
        // Arrange
        using var tree = new HostTreeBuilder().File($"{UsrShare}/70-sev.json", """
            {
                "description": "OVMF for SEV-SNP",
                "interface-types": [ "uefi" ],
                "mapping": { "device": "memory", "filename": "/usr/share/edk2/ovmf/OVMF.amdsev.fd" },
                "targets": [ { "architecture": "x86_64", "machines": [ "pc-q35-*" ] } ],
                "features": [ "amd-sev", "amd-sev-es", "amd-sev-snp" ]
            }
            """);

        // Act
        var firmware = Assert.Single(new SysfsScanner(tree.Host).Scan().Firmware);

        // Assert
        Assert.Equal("memory", firmware.Device);
        Assert.Equal("/usr/share/edk2/ovmf/OVMF.amdsev.fd", firmware.Executable);
        Assert.Null(firmware.NvramTemplate);
        Assert.Null(firmware.Format);
    }

    [Theory]
    [InlineData("{ \"description\": \"truncated\", ")]
    [InlineData("[ \"an array, not an object\" ]")]
    [InlineData("{ \"description\": \"comments\" /* are not JSON */ }")]
    [InlineData("\u0000\u0001 binary")]
    public void I_can_read_a_directory_with_a_malformed_descriptor_and_get_the_others(string malformed)
    {
        // Arrange
        using var tree = new HostTreeBuilder()
            .File($"{UsrShare}/10-broken.json", malformed)
            .File($"{UsrShare}/60-edk2-x86_64.json", Plain);

        // Act
        var firmware = new SysfsScanner(tree.Host).Scan().Firmware;

        // Assert
        Assert.Equal(["60-edk2-x86_64.json"], firmware.Select(f => f.FileName));
    }

    [Fact]
    public void I_can_read_a_descriptor_with_fields_of_the_wrong_type_and_get_unknowns()
    {
        // Arrange
        using var tree = new HostTreeBuilder().File($"{UsrShare}/50-odd.json", """
            {
                "description": 42,
                "interface-types": "uefi",
                "mapping": { "device": "flash", "executable": "/not/an/object.fd" },
                "targets": [ { "machines": [ "pc-q35-*" ] }, "x86_64", { "architecture": "x86_64", "machines": [ 1, "pc-q35-*" ] } ],
                "features": [ "secure-boot", null, { } ]
            }
            """);

        // Act
        var firmware = Assert.Single(new SysfsScanner(tree.Host).Scan().Firmware);

        // Assert
        Assert.Null(firmware.Description);
        Assert.Empty(firmware.InterfaceTypes);
        Assert.Null(firmware.Executable);
        Assert.Equal(["secure-boot"], firmware.Features);
        var target = Assert.Single(firmware.Targets);
        Assert.Equal(["pc-q35-*"], target.Machines);
    }

    [Fact]
    public void I_get_no_firmware_when_QEMU_has_no_descriptor_directories()
    {
        // Arrange
        using var tree = new HostTreeBuilder().Dir("/usr/share");

        // Act
        var firmware = new SysfsScanner(tree.Host).Scan().Firmware;

        // Assert
        Assert.Empty(firmware);
    }
}
