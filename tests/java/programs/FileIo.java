import java.io.*;
import java.nio.charset.StandardCharsets;
import java.util.*;

/** File I/O with java.io: streams, readers, writers, RandomAccessFile, File's metadata and listing. */
public class FileIo {
  public static void main(String[] args) throws IOException {
    File dir = new File(args[0]);
    File sub = new File(dir, "sub");
    System.out.println("mkdir " + sub.mkdir() + " again " + sub.mkdir() + " isDir " + sub.isDirectory());
    File text = new File(sub, "notes.txt");
    try (PrintWriter pw = new PrintWriter(new FileWriter(text, StandardCharsets.UTF_8))) {
      for (int i = 1; i <= 5; i++) pw.println("line " + i + " — ünïcödé " + i * i);
    }
    System.out.println("exists " + text.exists() + " length " + text.length() + " file " + text.isFile() + " canRead " + text.canRead());
    try (BufferedReader br = new BufferedReader(new FileReader(text, StandardCharsets.UTF_8))) {
      String line;
      while ((line = br.readLine()) != null) System.out.println("read: " + line);
    }
    try (FileWriter fw = new FileWriter(text, true)) {
      fw.write("appended\n");
    }
    System.out.println("length after append " + text.length());
    File bin = new File(sub, "data.bin");
    try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(new FileOutputStream(bin)))) {
      out.writeInt(0xCAFEBABE);
      out.writeLong(-1234567890123L);
      out.writeDouble(Math.E);
      out.writeUTF("héllo");
      for (int i = 0; i < 1000; i++) out.writeShort(i * 7);
    }
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(new FileInputStream(bin)))) {
      System.out.println(Integer.toHexString(in.readInt()) + " " + in.readLong() + " " + in.readDouble() + " " + in.readUTF());
      int sum = 0;
      for (int i = 0; i < 1000; i++) sum += in.readShort();
      System.out.println("sum " + sum + " available " + in.available());
    }
    try (RandomAccessFile raf = new RandomAccessFile(bin, "rw")) {
      raf.seek(4);
      System.out.println("at 4: " + raf.readLong() + " pointer " + raf.getFilePointer() + " length " + raf.length());
      raf.seek(raf.length());
      raf.writeBytes("END");
      raf.seek(0);
      raf.writeInt(42);
    }
    try (FileInputStream in = new FileInputStream(bin)) {
      byte[] all = in.readAllBytes();
      System.out.println("bytes " + all.length + " first " + all[3] + " last " + (char) all[all.length - 1]);
    }
    try {
      new FileInputStream(new File(dir, "missing.txt"));
    } catch (FileNotFoundException e) {
      System.out.println("FNF " + e.getMessage().replace(dir.getPath(), "DIR"));
    }
    String[] names = sub.list();
    Arrays.sort(names);
    System.out.println(Arrays.toString(names));
    File renamed = new File(sub, "renamed.txt");
    System.out.println("rename " + text.renameTo(renamed) + " old " + text.exists() + " new " + renamed.exists());
    System.out.println("delete " + renamed.delete() + " " + bin.delete() + " dir " + sub.delete() + " gone " + !sub.exists());
    System.out.println(new File("a/b/../c/./d.txt").getPath() + " " + new File("/x/y/z.tar.gz").getName() + " " + new File("/x/y/z").getParent());
  }
}
