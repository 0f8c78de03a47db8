// What a lazily loaded page shows while its code arrives.
import { Skeleton, Stack } from "@mantine/core";

export function PageFallback() {
  return (
    <Stack aria-busy="true">
      <Skeleton h={28} w="40%" />
      <Skeleton h={16} />
      <Skeleton h={16} w="80%" />
    </Stack>
  );
}
