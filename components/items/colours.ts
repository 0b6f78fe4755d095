/** One colour per person on an item's page (by the order they first answered), and the model's own. */
const PEOPLE = ['#f79009', '#2e90fa', '#12b76a', '#f04438', '#9e77ed', '#ee46bc', '#15b79e', '#b54708'];
export const MODEL_COLOUR = '#e4e7ec';

export function colourOf(order: readonly (number | string)[], who: number | string): string {
  const at = order.indexOf(who);
  return PEOPLE[(at < 0 ? order.length : at) % PEOPLE.length];
}
