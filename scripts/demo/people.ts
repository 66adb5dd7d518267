/**
 * Made-up but well-formed identities for the demo: agency codes (USCC, GB 32100) and resident
 * ID numbers (GB 11643) with their check characters computed, Chinese names, phone numbers.
 * Everything comes from one seeded generator, so every run seeds the same year.
 */
import {
  addCalendarDays,
  organisationCodeCheckCharacter,
  residentIdCheckCharacter,
  usccCheckCharacter,
} from '@ledger/domain';

/** mulberry32: a small, fast, seeded generator; good enough to vary a demo. */
export class Random {
  constructor(private state: number) {}

  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  /** `count` distinct items, in random order. */
  sample<T>(items: readonly T[], count: number): T[] {
    const pool = [...items];
    const out: T[] = [];
    while (out.length < count && pool.length > 0)
      out.push(pool.splice(Math.floor(this.next() * pool.length), 1)[0]);
    return out;
  }
}

// prettier-ignore
const SURNAMES = [
  '王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', '徐', '孙', '胡', '朱', '高',
  '林', '何', '郭', '马', '罗', '梁', '宋', '郑', '谢', '韩', '唐', '冯', '于', '董', '萧',
] as const;
// prettier-ignore
const MALE_NAMES = [
  '伟', '磊', '勇', '军', '杰', '涛', '明', '超', '刚', '建华', '志强', '晓东', '国庆',
  '文博', '宇航', '思远', '浩然', '俊杰', '立新', '永刚', '海波', '振宇', '鹏飞', '子轩',
] as const;
// prettier-ignore
const FEMALE_NAMES = [
  '芳', '娜', '敏', '静', '艳', '娟', '霞', '丽', '秀兰', '桂英', '海燕', '丽娟', '雨桐',
  '佳怡', '欣怡', '梦瑶', '晨曦', '红梅', '婷婷', '雪梅', '晓燕', '慧敏', '文静', '春燕',
] as const;
/** Places of birth (the first 6 digits of an ID number): real county-level codes. */
// prettier-ignore
const BIRTHPLACES = [
  '110101', '110105', '110108', '120103', '130102', '370102', '410105', '420106', '500103',
  '500112', '510104', '320102', '330106', '330402', '330481', '340104', '360102', '430102',
] as const;

export interface Person {
  name: string;
  idNumber: string;
  phone: string;
}

/** Hands out people and codes, each one only once. */
export class Identities {
  private readonly idNumbers = new Set<string>();
  private readonly codes = new Set<string>();

  constructor(private readonly random: Random) {}

  person(): Person {
    const male = this.random.chance(0.55);
    const name = this.random.pick(SURNAMES) + this.random.pick(male ? MALE_NAMES : FEMALE_NAMES);
    for (;;) {
      // Born 1966–1999; the sequence number is odd for men and even for women.
      const born = addCalendarDays('1966-01-01', this.random.int(0, 12_400)).replace(/-/g, '');
      const sequence = this.random.int(0, 499) * 2 + (male ? 1 : 0);
      const first17 = `${this.random.pick(BIRTHPLACES)}${born}${String(sequence).padStart(3, '0')}`;
      const idNumber = first17 + residentIdCheckCharacter(first17);
      if (this.idNumbers.has(idNumber)) continue;
      this.idNumbers.add(idNumber);
      return { name, idNumber, phone: this.mobile() };
    }
  }

  /** A USCC of a company registered in the county `division` (e.g. 110105, Beijing Chaoyang). */
  uscc(division: string): string {
    for (;;) {
      const organisation = String(this.random.int(10_000_000, 99_999_999));
      const first17 = `91${division}${organisation}${organisationCodeCheckCharacter(organisation)}`;
      const code = first17 + usccCheckCharacter(first17);
      if (this.codes.has(code)) continue;
      this.codes.add(code);
      return code;
    }
  }

  mobile(): string {
    return `1${this.random.pick(['35', '37', '38', '39', '58', '86', '89'])}${String(
      this.random.int(0, 99_999_999),
    ).padStart(8, '0')}`;
  }
}
