import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.*;
import java.util.zip.CRC32;

/** Hashes and encodings: MessageDigest SHA-256 and MD5, CRC32, Base64, UUID, HexFormat-style output, Random with a seed. */
public class Hashing {
  static String hex(byte[] b) {
    StringBuilder sb = new StringBuilder();
    for (byte x : b) sb.append(String.format("%02x", x));
    return sb.toString();
  }

  public static void main(String[] args) throws Exception {
    byte[] data = "The quick brown fox jumps over the lazy dog".getBytes(StandardCharsets.UTF_8);
    System.out.println("sha256 " + hex(MessageDigest.getInstance("SHA-256").digest(data)));
    System.out.println("md5 " + hex(MessageDigest.getInstance("MD5").digest(data)));
    System.out.println("sha1 " + hex(MessageDigest.getInstance("SHA-1").digest(data)));
    CRC32 crc = new CRC32();
    crc.update(data);
    System.out.println("crc32 " + Long.toHexString(crc.getValue()));
    String b64 = Base64.getEncoder().encodeToString(data);
    System.out.println(b64 + " " + new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8).length() + " " + Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[] {-1, -2, -3, 0}));
    System.out.println(UUID.nameUUIDFromBytes(data) + " " + new UUID(0x123456789abcdefL, -1L));
    Random r = new Random(42);
    System.out.println(r.nextInt() + " " + r.nextInt(100) + " " + r.nextLong() + " " + r.nextDouble() + " " + r.nextBoolean() + " " + r.nextGaussian());
    int[] shuffled = {1, 2, 3, 4, 5, 6, 7, 8};
    List<Integer> list = new ArrayList<>();
    for (int x : shuffled) list.add(x);
    Collections.shuffle(list, new Random(7));
    System.out.println(list + " " + Arrays.hashCode(shuffled) + " " + Objects.hash("a", 1) + " " + "fox".hashCode() + " " + Double.hashCode(1.5) + " " + Long.hashCode(1L << 40));
    BitSet bs = new BitSet();
    for (int i = 0; i < 100; i += 7) bs.set(i);
    System.out.println(bs + " " + bs.cardinality() + " " + bs.nextClearBit(0) + " " + Integer.bitCount(0xF0F0) + " " + Long.numberOfTrailingZeros(64) + " " + Integer.reverse(1) + " " + Integer.highestOneBit(1000));
  }
}
