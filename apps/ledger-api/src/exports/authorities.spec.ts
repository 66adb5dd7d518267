import { readAuthorities } from './authorities';

describe('the authorities of the 双公示 exports (LEDGER_AUTHORITIES)', () => {
  it('given nothing, names each bureau from the seeds, with no code invented', () => {
    const directory = readAuthorities(undefined);
    expect(directory.beijing).toEqual({
      ecology: { name: '北京市生态环境局', uscc: '' },
      dataSource: { name: '北京市生态环境局', uscc: '' },
    });
    expect(directory.urumqi.marketRegulation).toEqual({
      name: '乌鲁木齐市市场监督管理局',
      uscc: '',
    });
  });

  it('given codes, takes them, and the data source defaults to the ecology bureau', () => {
    const directory = readAuthorities(
      JSON.stringify({ chongqing: { ecology: { uscc: '91110000802100433B' } } }),
    );
    expect(directory.chongqing.dataSource).toEqual({
      name: '重庆市生态环境局',
      uscc: '91110000802100433B',
    });
  });

  it.each([
    ['not JSON', '{', 'LEDGER_AUTHORITIES must be a JSON object'],
    ['an array', '[]', 'LEDGER_AUTHORITIES must be a JSON object'],
    [
      'an unknown jurisdiction',
      '{"shanghai":{}}',
      'LEDGER_AUTHORITIES.shanghai: not a jurisdiction',
    ],
    [
      'a code that fails its check',
      '{"beijing":{"ecology":{"uscc":"91110000802100433A"}}}',
      'LEDGER_AUTHORITIES.beijing.ecology.uscc:',
    ],
    [
      'an empty name',
      '{"jiaxing":{"dataSource":{"name":" "}}}',
      'LEDGER_AUTHORITIES.jiaxing.dataSource.name',
    ],
  ])('refuses %s at start-up, naming the path', (_what, text, message) => {
    expect(() => readAuthorities(text)).toThrow(message);
  });
});
