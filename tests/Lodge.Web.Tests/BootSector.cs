namespace Lodge.Web.Tests;

/// <summary>A 1 MiB raw disk whose boot sector prints a line on COM1 and then echoes every byte the serial port receives:
/// a guest that boots under TCG in seconds and answers on its serial console (and, having no ACPI support, ignores the
/// power button).</summary>
public static class BootSector
{
    public const string Banner = "LODGE BOOT SECTOR READY";

    // cli; xor ax,ax; mov ds,ax; mov si,msg; mov dx,0x3f8; print: lodsb; test al,al; jz echo; out dx,al; jmp print;
    // echo: mov dx,0x3fd; wait: in al,dx; test al,1; jz wait; mov dx,0x3f8; in al,dx; out dx,al; jmp echo; msg: ...
    private static readonly byte[] Code = Convert.FromHexString("fa31c08ed8be227cbaf803ac84c07403eeebf8bafd03eca80174fbbaf803eceeebf1");

    public static void Write(string path)
    {
        var image = new byte[1024 * 1024];
        Code.CopyTo(image, 0);
        var message = System.Text.Encoding.ASCII.GetBytes(Banner + "\r\n\0");
        message.CopyTo(image, Code.Length); // 0x7c22, the address the code loads into SI
        image[510] = 0x55;
        image[511] = 0xAA;
        File.WriteAllBytes(path, image);
    }
}
