package io.dpsoperator.dps;

import java.util.List;
import java.util.Optional;

/**
 * One page of a DPS query.
 *
 * @param items the records of this page
 * @param continuationToken the token of the next page; empty on the last page
 */
public record DpsPage<T>(List<T> items, Optional<String> continuationToken) {
  public DpsPage {
    items = List.copyOf(items);
  }
}
